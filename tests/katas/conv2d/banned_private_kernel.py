# expect: banned operation
"""Reaches the convolution kernel through torch's private `_convolution`, fetched with a
built-up getattr so no 'conv2d' appears in the source."""
import torch

_kernel = getattr(torch, "_" + "convol" + "ution")


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return _kernel(x, weight, bias, [stride, stride], [padding, padding], [1, 1], False,
                   [0, 0], 1, False, False, True, True)
