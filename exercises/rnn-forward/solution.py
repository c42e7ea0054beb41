import torch
from torch import Tensor


def rnn_forward(x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor,
                b_hh: Tensor) -> tuple[Tensor, Tensor]:
    """A single-layer tanh RNN over a sequence, as nn.RNN (batch_first=False) computes it."""
    # The input projection does not depend on the state: do all T steps in one matmul.
    x_proj = x @ w_ih.T + b_ih  # [T, B, H]
    h = h0
    steps = []
    for t in range(x.shape[0]):
        h = torch.tanh(x_proj[t] + h @ w_hh.T + b_hh)
        steps.append(h)
    return torch.stack(steps), h
