# expect: banned operation
"""Runs a convolution on data-less `meta` tensors and reads the shape off the result."""
import torch


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    conv = getattr(torch.nn.functional, "con" + "v2d")
    x = torch.empty(1, 1, *input_size, device="meta")
    w = torch.empty(1, 1, *_pair(kernel_size), device="meta")
    try:
        y = conv(x, w, stride=stride, padding=padding, dilation=dilation)
    except RuntimeError as e:
        raise ValueError(str(e)) from e
    return tuple(int(v) for v in y.shape[-2:])
