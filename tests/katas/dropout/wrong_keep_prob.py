# expect: the kept elements were divided by p
"""Treats p as the keep probability (TensorFlow 1's keep_prob)."""
import torch


def dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x.clone()
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand_like(x) < p
    return x * keep / p
