# expect: you padded with zeros
"""Pads with zeros (F.pad's default), so a padded 0 beats all-negative windows."""
import torch.nn.functional as F


def max_pool2d(x, kernel_size, stride=None, padding=0):
    s = kernel_size if stride is None else stride
    x = F.pad(x, (padding,) * 4)
    return x.unfold(2, kernel_size, s).unfold(3, kernel_size, s).amax(dim=(-2, -1))
