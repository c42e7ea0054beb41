# expect: gradient
"""Builds the result from argmax indices with a detached gather: no gradient reaches x."""
import torch.nn.functional as F


def max_pool2d(x, kernel_size, stride=None, padding=0):
    s = kernel_size if stride is None else stride
    x = F.pad(x, (padding,) * 4, value=float("-inf"))
    w = x.detach().unfold(2, kernel_size, s).unfold(3, kernel_size, s)
    return w.flatten(-2).max(dim=-1).values
