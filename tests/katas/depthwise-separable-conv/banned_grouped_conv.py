# expect: banned operation
"""Uses conv2d with groups=C_in through an alias, then a 1x1 conv."""
import torch

_conv = getattr(torch, "conv" + "2d")


def depthwise_separable_conv(x, depthwise_weight, pointwise_weight, stride=1, padding=0):
    d = _conv(x, depthwise_weight, None, stride, padding, 1, x.shape[1])
    return _conv(d, pointwise_weight)
