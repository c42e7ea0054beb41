# expect: banned operation aten::mkldnn_convolution
"""Calls the oneDNN convolution kernel directly through torch.ops.aten, looked up by a
string."""
import torch

_ops = getattr(torch.ops.aten, "mkldnn_" + "convolution")


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return _ops(x.contiguous(), weight.contiguous(), bias, [padding, padding],
                [stride, stride], [1, 1], 1)
