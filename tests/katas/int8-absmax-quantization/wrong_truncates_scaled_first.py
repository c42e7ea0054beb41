# expect: truncates toward zero
"""Truncates, with x scaled as x * 127 / absmax: the largest value lands a hair off 127 and
the fractions are dropped, so the codes are those of truncation, not of rounding."""
import torch


def int8_absmax_quantize(x, dim=None):
    a = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    safe = torch.where(a == 0, torch.ones_like(a), a)
    q = (x * 127 / safe).clamp(-127, 127).to(torch.int8)
    return q, torch.where(a == 0, torch.ones_like(a), a / 127)
