# expect: banned operation torch.nn.functional.layer_norm
"""Correct layer, but the layer norms go through torch.nn.functional.layer_norm via getattr."""
import math

import torch
from torch import Tensor

_ln = getattr(torch.nn.functional, "layer" + "_norm")


def transformer_encoder_layer(x, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias,
                              linear1_weight, linear1_bias, linear2_weight, linear2_bias,
                              norm1_weight, norm1_bias, norm2_weight, norm2_bias, num_heads,
                              key_padding_mask=None, norm_first=False, activation="relu",
                              eps=1e-5):
    B, T, D = x.shape
    dh = D // num_heads

    def sa(z):
        q, k, v = (z @ in_proj_weight.T + in_proj_bias).chunk(3, -1)
        q, k, v = (t.reshape(B, T, num_heads, dh).transpose(1, 2) for t in (q, k, v))
        s = q @ k.transpose(-2, -1) / math.sqrt(dh)
        if key_padding_mask is not None:
            s = s.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        o = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, T, D)
        return o @ out_proj_weight.T + out_proj_bias

    def ffn(z):
        h = z @ linear1_weight.T + linear1_bias
        h = torch.relu(h) if activation == "relu" else torch.nn.functional.gelu(h)
        return h @ linear2_weight.T + linear2_bias

    n1 = lambda z: _ln(z, (D,), norm1_weight, norm1_bias, eps)  # noqa: E731
    n2 = lambda z: _ln(z, (D,), norm2_weight, norm2_bias, eps)  # noqa: E731
    if norm_first:
        x = x + sa(n1(x))
        return x + ffn(n2(x))
    x = n1(x + sa(x))
    return n2(x + ffn(x))
