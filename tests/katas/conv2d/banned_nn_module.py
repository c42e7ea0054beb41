# expect: banned operation
"""Wraps the weights in an nn.Conv2d module and calls it."""
import torch
from torch import nn


def conv2d(x, weight, bias=None, stride=1, padding=0):
    c_out, c_in, kh, kw = weight.shape
    layer = nn.Conv2d(c_in, c_out, (kh, kw), stride=stride, padding=padding,
                      bias=bias is not None).to(x.device, x.dtype)
    with torch.no_grad():
        layer.weight.copy_(weight)
        if bias is not None:
            layer.bias.copy_(bias)
        return layer(x)
