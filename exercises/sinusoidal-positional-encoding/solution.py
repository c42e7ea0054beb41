import torch
from torch import Tensor


def sinusoidal_positional_encoding(num_positions: int, d_model: int, device=None) -> Tensor:
    """PE[p, 2i] = sin(p / 10000^(2i/d_model)), PE[p, 2i+1] = cos(same); float32."""
    position = torch.arange(num_positions, dtype=torch.float32, device=device)  # p
    two_i = torch.arange(0, d_model, 2, dtype=torch.float32, device=device)  # 2i
    inv_freq = 10000.0 ** (-two_i / d_model)  # 1 / 10000^(2i/d)
    angle = position[:, None] * inv_freq[None, :]  # [num_positions, d_model / 2]
    pe = torch.empty(num_positions, d_model, dtype=torch.float32, device=device)
    pe[:, 0::2] = torch.sin(angle)  # even columns
    pe[:, 1::2] = torch.cos(angle)  # odd columns: the same frequency as their left neighbour
    return pe
