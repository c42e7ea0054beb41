# expect: you multiplied by it
"""Multiplies the position by 10000^(2i/d) instead of dividing."""
import torch


def sinusoidal_positional_encoding(num_positions, d_model, device=None):
    pos = torch.arange(num_positions, dtype=torch.float32, device=device)[:, None]
    freq = 10000.0 ** (torch.arange(0, d_model, 2, dtype=torch.float32, device=device) / d_model)
    angle = pos * freq
    return torch.stack([angle.sin(), angle.cos()], dim=-1).flatten(1)
