# expect: banned operation
"""Reaches the convolution through torch.ops.aten.convolution."""
import torch


def depthwise_separable_conv(x, depthwise_weight, pointwise_weight, stride=1, padding=0):
    op = torch.ops.aten.convolution
    c = x.shape[1]
    d = op(x, depthwise_weight, None, [stride] * 2, [padding] * 2, [1, 1], False, [0, 0], c)
    return op(d, pointwise_weight, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)
