# expect: you used base^(-i/Dh)
"""Writes θ_i = base^(-i/Dh) with i the pair index, dropping the factor 2."""
import torch


def apply_rope(x, positions=None, base=10000.0):
    T, Dh = x.shape[-2:]
    m = torch.arange(T, device=x.device) if positions is None else positions
    i = torch.arange(Dh // 2, device=x.device, dtype=x.dtype)
    angle = m.to(x.dtype)[:, None] * base ** (-i / Dh)
    cos, sin = angle.cos(), angle.sin()
    a, b = x[..., 0::2], x[..., 1::2]
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2)
