# expect: the kept elements equal x
"""Zeroes elements but forgets the 1 / (1 - p) scaling of the kept ones."""
import torch


def dropout(x, p=0.5, training=True):
    if not training:
        return x.clone()
    return x * (torch.rand_like(x) >= p)
