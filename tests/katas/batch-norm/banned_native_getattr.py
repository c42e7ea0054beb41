# expect: banned operation
"""The native kernel, found with getattr on torch."""
import torch

_kernel = getattr(torch, "native_" + "batch_norm")


def batch_norm(x, weight, bias, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    return _kernel(x, weight, bias, running_mean, running_var, training, momentum, eps)[0]
