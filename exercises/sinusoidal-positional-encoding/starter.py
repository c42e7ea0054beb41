import math  # noqa: F401

import torch  # noqa: F401
from torch import Tensor


def sinusoidal_positional_encoding(num_positions: int, d_model: int, device=None) -> Tensor:
    """The Transformer's fixed sinusoidal positional encoding, float32.

    PE[p, 2i] = sin(p / 10000^(2i / d_model)), PE[p, 2i+1] = cos(p / 10000^(2i / d_model)),
    for p = 0 .. num_positions-1 and d_model even. Built on `device` (None = the CPU).
    Returns [num_positions, d_model].
    """
    raise NotImplementedError
