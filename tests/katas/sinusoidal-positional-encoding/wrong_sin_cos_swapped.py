# expect: you swapped them
"""Cosine in the even columns, sine in the odd ones."""
import math

import torch


def sinusoidal_positional_encoding(num_positions, d_model, device=None):
    pos = torch.arange(num_positions, device=device).unsqueeze(1).float()
    div = torch.exp(torch.arange(0, d_model, 2, device=device).float()
                    * (-math.log(10000.0) / d_model))
    pe = torch.zeros(num_positions, d_model, device=device)
    pe[:, 0::2] = torch.cos(pos * div)
    pe[:, 1::2] = torch.sin(pos * div)
    return pe
