# expect: banned operation
"""Calls the aten kernel that returns the indices too, through torch.ops."""
import torch


def max_pool2d(x, kernel_size, stride=None, padding=0):
    s = kernel_size if stride is None else stride
    op = getattr(torch.ops.aten, "max_pool2d" + "_with_indices")
    return op(x, [kernel_size] * 2, [s] * 2, [padding] * 2)[0]
