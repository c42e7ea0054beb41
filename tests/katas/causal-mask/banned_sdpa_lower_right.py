# expect: banned operation
"""Calls SDPA with torch.nn.attention's causal_lower_right bias, reached via getattr."""
import importlib

import torch

_F = importlib.import_module("torch.nn.functional")
_bias = importlib.import_module("torch.nn.attention.bias")


def causal_attention(q, k, v):
    mask = _bias.causal_lower_right(q.shape[-2], k.shape[-2])
    return getattr(_F, "scaled_dot_product_" + "attention")(q, k, v, attn_mask=mask)
