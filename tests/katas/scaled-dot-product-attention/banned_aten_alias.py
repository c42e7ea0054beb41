# expect: banned operation
"""Computes the weights by hand but takes the output from the aten op, under an alias."""
import math

import torch

_ops = torch.ops.aten
_fused = getattr(_ops, "scaled_dot_product_" + "attention")


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return _fused(q, k, v, attn_mask=mask), weights
