# expect: modified its input 'x' in place
"""Writes the rotated pairs back into x and returns it."""
import torch


def apply_rope(x, positions=None, base=10000.0):
    T, Dh = x.shape[-2:]
    m = torch.arange(T, device=x.device) if positions is None else positions
    angle = m.to(x.dtype)[:, None] * base ** (
        -torch.arange(0, Dh, 2, device=x.device, dtype=x.dtype) / Dh)
    cos, sin = angle.cos(), angle.sin()
    a, b = x[..., 0::2].clone(), x[..., 1::2].clone()
    x[..., 0::2] = a * cos - b * sin
    x[..., 1::2] = a * sin + b * cos
    return x.clone()
