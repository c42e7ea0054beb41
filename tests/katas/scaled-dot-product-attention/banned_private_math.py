# expect: banned operation torch._scaled_dot_product_attention_math
"""Reaches PyTorch's own math attention through a getattr on a private name."""
import torch

_attend = getattr(torch, "_scaled_dot_product_" + "attention_math")


def scaled_dot_product_attention(q, k, v, mask=None):
    out, weights = _attend(q, k, v, attn_mask=mask)
    return out, weights
