# expect: that is average pooling
"""Averages each window instead of taking its maximum."""
import torch.nn.functional as F


def max_pool2d(x, kernel_size, stride=None, padding=0):
    s = kernel_size if stride is None else stride
    x = F.pad(x, (padding,) * 4)
    return x.unfold(2, kernel_size, s).unfold(3, kernel_size, s).mean(dim=(-2, -1))
