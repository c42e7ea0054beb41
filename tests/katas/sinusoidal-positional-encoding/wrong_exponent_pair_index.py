# expect: you used i/d_model
"""Loops over pairs i = 0 .. d/2-1 but writes the exponent as i/d instead of 2i/d."""
import torch


def sinusoidal_positional_encoding(num_positions, d_model, device=None):
    pe = torch.zeros(num_positions, d_model, device=device)
    pos = torch.arange(num_positions, dtype=torch.float32, device=device)
    for i in range(d_model // 2):
        angle = pos / 10000 ** (i / d_model)
        pe[:, 2 * i] = torch.sin(angle)
        pe[:, 2 * i + 1] = torch.cos(angle)
    return pe
