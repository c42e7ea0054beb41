# expect: floor(x / s + 0.5) rounds halves up
"""Rounds with floor(v + 0.5), the schoolbook trick, which breaks ties the wrong way."""
import torch


def int8_absmax_quantize(x, dim=None):
    a = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    s = torch.where(a == 0, torch.ones_like(a), a / 127)
    return torch.floor(x / s + 0.5).clamp(-127, 127).to(torch.int8), s
