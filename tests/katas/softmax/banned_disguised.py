# expect: banned operation
"""Reaches the softmax kernel through a renamed getattr on torch.nn.functional."""
import importlib

_F = importlib.import_module("torch.nn" + ".functional")
_impl = getattr(_F, "".join(["soft", "max"]))


def softmax(x, dim=-1):
    return _impl(x, dim=dim)
