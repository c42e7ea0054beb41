# expect: banned operation
"""Hides nn.MaxPool2d behind a helper."""
import torch


def _layer(k, s, p):
    return getattr(torch.nn, "Max" + "Pool2d")(k, s, p)


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return _layer(kernel_size, stride, padding)(x)
