# expect: with training=False dropout does nothing
"""Ignores `training`: drops elements at evaluation time too."""
import torch


def dropout(x, p=0.5, training=True):
    if p == 0:
        return x.clone()
    if p == 1:
        return torch.zeros_like(x)
    return x * (torch.rand_like(x) >= p) / (1 - p)
