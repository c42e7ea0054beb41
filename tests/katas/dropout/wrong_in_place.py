# expect: modified its input 'x' in place
"""Applies the mask in place, destroying the caller's tensor."""
import torch


def dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return x.zero_()
    return x.mul_(torch.rand_like(x) >= p).div_(1 - p)
