# expect: every row got the same mask
"""Draws one mask for a single sample and broadcasts it over the batch."""
import torch


def dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x.clone()
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape[1:], device=x.device) >= p
    return x * keep / (1 - p)
