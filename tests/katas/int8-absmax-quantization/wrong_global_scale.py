# expect: you used one scale for the whole tensor
"""Ignores `dim`: one scale for everything, broadcast to the per-channel shape."""
import torch


def int8_absmax_quantize(x, dim=None):
    a = x.abs().amax()
    s = torch.where(a == 0, torch.ones_like(a), a / 127)
    if dim is not None:
        s = s.expand_as(x.amax(dim=dim, keepdim=True)).clone()
    return torch.round(x / s).clamp(-127, 127).to(torch.int8), s
