# expect: not 10000^((2i+1)/d_model)
"""Uses each column's own index j in the exponent, so the cos column gets its own frequency."""
import torch


def sinusoidal_positional_encoding(num_positions, d_model, device=None):
    pos = torch.arange(num_positions, dtype=torch.float32, device=device)[:, None]
    j = torch.arange(d_model, dtype=torch.float32, device=device)[None, :]
    angle = pos / 10000 ** (j / d_model)
    even = (torch.arange(d_model, device=device) % 2 == 0)
    return torch.where(even, torch.sin(angle), torch.cos(angle))
