import torch
from torch import Tensor


def rnn_forward(x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor,
                b_hh: Tensor) -> tuple[Tensor, Tensor]:
    """A single-layer tanh RNN over a sequence, as nn.RNN (batch_first=False) computes it.

    x: [T, B, I]; h0: [B, H]; w_ih: [H, I]; w_hh: [H, H]; b_ih, b_hh: [H].
    h_t = tanh(x[t-1] @ w_ih.T + b_ih + h_{t-1} @ w_hh.T + b_hh).
    Returns (outputs [T, B, H] with outputs[t-1] = h_t, h_T [B, H]).
    """
    raise NotImplementedError
