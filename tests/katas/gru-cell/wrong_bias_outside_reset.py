# expect: b_hn sits inside the reset gate
"""Sums both biases up front, which puts b_hn outside the reset gate."""
import torch


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    b = b_ih + b_hh
    x_r, x_z, x_n = (x @ w_ih.T + b).chunk(3, dim=1)
    h_r, h_z, h_n = (h @ w_hh.T).chunk(3, dim=1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h
