import torch
from torch import Tensor


def lstm_cell(x: Tensor, h: Tensor, c: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor,
              b_hh: Tensor) -> tuple[Tensor, Tensor]:
    """One step of an LSTM cell, as nn.LSTMCell computes it.

    x: [B, I], h and c: [B, H], w_ih: [4H, I], w_hh: [4H, H], b_ih and b_hh: [4H].
    The 4H rows of the weights and biases hold the gates in the order i, f, g, o.
    Returns (h_next, c_next), each [B, H], on the inputs' device and dtype.
    """
    raise NotImplementedError
