# expect: the reset gate r is missing from the candidate
"""Adds the input and hidden pre-activations for all three gates, like an LSTM, so the
candidate never sees the reset gate."""
import torch


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    r, z, n = gates.chunk(3, dim=1)
    z = torch.sigmoid(z)
    n = torch.tanh(n)
    return (1 - z) * n + z * h
