# expect: p = 1 drops everything: return zeros
"""No special case for p = 1: 0 / 0 gives NaN."""
import torch


def dropout(x, p=0.5, training=True):
    if not training:
        return x.clone()
    return x * (torch.rand_like(x) >= p) / (1 - p)
