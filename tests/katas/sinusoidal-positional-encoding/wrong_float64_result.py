# expect: has dtype torch.float64, expected torch.float32
"""Computes in float64 for accuracy and forgets to return float32."""
import torch


def sinusoidal_positional_encoding(num_positions, d_model, device=None):
    pos = torch.arange(num_positions, dtype=torch.float64, device=device)[:, None]
    inv_freq = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float64, device=device)
                           / d_model)
    angle = pos * inv_freq
    return torch.stack([angle.sin(), angle.cos()], dim=-1).flatten(1)
