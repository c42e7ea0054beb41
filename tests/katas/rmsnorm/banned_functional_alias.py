# expect: banned operation
"""Reaches F.rms_norm through a renamed getattr."""
import torch.nn.functional as _F

_impl = getattr(_F, "rms" + "_norm")


def rms_norm(x, weight, eps=1e-6):
    return _impl(x, (x.shape[-1],), weight, eps)
