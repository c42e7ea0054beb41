# expect: you concatenated [all sines | all cosines]
"""Puts all the sines in the first half and all the cosines in the second half."""
import torch


def sinusoidal_positional_encoding(num_positions, d_model, device=None):
    pos = torch.arange(num_positions, dtype=torch.float32, device=device)[:, None]
    inv_freq = 1.0 / 10000 ** (torch.arange(0, d_model, 2, device=device).float() / d_model)
    angle = pos * inv_freq
    return torch.cat([angle.sin(), angle.cos()], dim=1)
