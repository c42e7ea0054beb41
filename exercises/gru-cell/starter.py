import torch
from torch import Tensor


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor,
             b_hh: Tensor) -> Tensor:
    """One step of a GRU cell, as nn.GRUCell computes it.

    x: [B, I], h: [B, H], w_ih: [3H, I], w_hh: [3H, H], b_ih and b_hh: [3H].
    The 3H rows of the weights and biases hold the gates in the order r, z, n.
    Returns h_next [B, H], on the inputs' device and dtype.
    """
    raise NotImplementedError
