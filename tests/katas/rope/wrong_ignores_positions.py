# expect: you ignored `positions`
"""Always uses m = t, even when explicit positions are passed."""
import torch


def apply_rope(x, positions=None, base=10000.0):
    T, Dh = x.shape[-2:]
    m = torch.arange(T, device=x.device, dtype=x.dtype)
    angle = m[:, None] * base ** (-torch.arange(0, Dh, 2, device=x.device, dtype=x.dtype) / Dh)
    cos, sin = angle.cos(), angle.sin()
    a, b = x[..., 0::2], x[..., 1::2]
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2)
