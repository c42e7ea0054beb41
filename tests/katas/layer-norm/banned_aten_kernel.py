# expect: banned operation
"""Calls the private kernel through torch.ops, found by a built-up name."""
import torch

_kernel = getattr(torch.ops.aten, "native_" + "layer" + "_norm")


def layer_norm(x, weight, bias, eps=1e-5):
    out, _, _ = _kernel(x, [x.shape[-1]], weight, bias, eps)
    return out
