import torch
from torch import Tensor


def lstm_cell(x: Tensor, h: Tensor, c: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor,
              b_hh: Tensor) -> tuple[Tensor, Tensor]:
    """One step of an LSTM cell, as nn.LSTMCell computes it (gate order i, f, g, o)."""
    # All four gates in one pass: [B, 4H] pre-activations, then split into [B, H] blocks.
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i, f, g, o = gates.chunk(4, dim=1)
    i, f, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)  # gates in (0, 1)
    g = torch.tanh(g)  # the candidate cell content, in (-1, 1)
    c_next = f * c + i * g  # keep part of the old memory, write part of the new
    h_next = o * torch.tanh(c_next)  # expose a squashed view of the new memory
    return h_next, c_next
