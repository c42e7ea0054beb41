# expect: contiguous columns
"""Splits heads as [B, T, dh, H] (interleaved columns)."""
import math

import torch
import torch.nn.functional as F
from torch import Tensor


def _layer_norm(x: Tensor, weight: Tensor, bias: Tensor, eps: float) -> Tensor:
    mean = x.mean(dim=-1, keepdim=True)
    var = (x - mean).pow(2).mean(dim=-1, keepdim=True)  # biased, two-pass
    return (x - mean) * torch.rsqrt(var + eps) * weight + bias


def transformer_encoder_layer(x: Tensor, in_proj_weight: Tensor, in_proj_bias: Tensor,
                              out_proj_weight: Tensor, out_proj_bias: Tensor,
                              linear1_weight: Tensor, linear1_bias: Tensor,
                              linear2_weight: Tensor, linear2_bias: Tensor,
                              norm1_weight: Tensor, norm1_bias: Tensor, norm2_weight: Tensor,
                              norm2_bias: Tensor, num_heads: int,
                              key_padding_mask: Tensor | None = None, norm_first: bool = False,
                              activation: str = "relu", eps: float = 1e-5) -> Tensor:
    """One nn.TransformerEncoderLayer (batch_first, dropout off), written out."""
    B, T, D = x.shape
    dh = D // num_heads

    def self_attention(z: Tensor) -> Tensor:
        q, k, v = F.linear(z, in_proj_weight, in_proj_bias).chunk(3, dim=-1)
        # [B, T, D] -> [B, H, T, dh]: head h owns columns h*dh:(h+1)*dh.
        q, k, v = (t.reshape(B, T, dh, num_heads).permute(0, 3, 1, 2) for t in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(dh)  # [B, H, T, T]
        if key_padding_mask is not None:  # True = padding: nobody attends to it
            scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        out = torch.softmax(scores, dim=-1) @ v
        out = out.permute(0, 2, 3, 1).reshape(B, T, D)
        return F.linear(out, out_proj_weight, out_proj_bias)

    def feed_forward(z: Tensor) -> Tensor:
        h = F.linear(z, linear1_weight, linear1_bias)
        h = F.relu(h) if activation == "relu" else F.gelu(h)
        return F.linear(h, linear2_weight, linear2_bias)

    def norm1(z: Tensor) -> Tensor:
        return _layer_norm(z, norm1_weight, norm1_bias, eps)

    def norm2(z: Tensor) -> Tensor:
        return _layer_norm(z, norm2_weight, norm2_bias, eps)

    if norm_first:  # pre-LN
        x = x + self_attention(norm1(x))
        x = x + feed_forward(norm2(x))
    else:  # post-LN (the original Transformer)
        x = norm1(x + self_attention(x))
        x = norm2(x + feed_forward(x))
    return x
