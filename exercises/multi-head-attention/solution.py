import math

import torch
from torch import Tensor


def multi_head_attention(query: Tensor, key: Tensor, value: Tensor, w_q: Tensor, w_k: Tensor,
                         w_v: Tensor, w_o: Tensor, num_heads: int,
                         mask: Tensor | None = None) -> Tensor:
    """Multi-head attention without biases; weights stored [D_in, D_out] (x @ w)."""
    B, Tq, D = query.shape
    Tk = key.shape[1]
    dh = D // num_heads

    def split_heads(x: Tensor, T: int) -> Tensor:
        # [B, T, D] -> [B, T, H, dh] -> [B, H, T, dh]: head h owns columns h*dh:(h+1)*dh.
        return x.reshape(B, T, num_heads, dh).transpose(1, 2)

    q = split_heads(query @ w_q, Tq)
    k = split_heads(key @ w_k, Tk)
    v = split_heads(value @ w_v, Tk)

    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)  # [B, H, Tq, Tk]
    if mask is not None:
        if mask.dim() == 3:  # [B, Tq, Tk] -> [B, 1, Tq, Tk], shared by every head
            mask = mask.unsqueeze(1)
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    heads = weights @ v  # [B, H, Tq, dh]

    # Concatenate the heads in order: [B, H, Tq, dh] -> [B, Tq, H, dh] -> [B, Tq, D].
    concat = heads.transpose(1, 2).reshape(B, Tq, D)
    return concat @ w_o
