# expect: banned operation
"""Lets PyTorch's quantizer do the rounding, reached through a getattr on torch.ops.aten."""
import torch

_q = getattr(torch.ops.aten, "quantize_per_" + "tensor")


def int8_absmax_quantize(x, dim=None):
    a = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    s = torch.where(a == 0, torch.ones_like(a), a / 127)
    # quantize x / s with unit scale: the kernel rounds and clamps
    q = _q(x / s, 1.0, 0, torch.qint8).int_repr().clamp(-127, 127)
    return q, s
