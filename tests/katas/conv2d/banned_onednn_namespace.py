# expect: banned operation mkldnn::_convolution_pointwise
"""Calls oneDNN's fused convolution from the torch.ops.mkldnn namespace (not aten)."""
import torch

_conv = torch.ops.mkldnn._convolution_pointwise


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return _conv(x.contiguous(), weight.contiguous(), bias, [padding, padding],
                 [stride, stride], [1, 1], 1, "none", [], "")
