# expect: banned operation
"""Calls the kernel through torch.ops.aten under another name."""
import torch

_k = getattr(torch.ops.aten, "drop" + "out")


def dropout(x, p=0.5, training=True):
    return _k(x, p, training)
