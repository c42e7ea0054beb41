# expect: you read the rows as z, r, n
"""Reads the first two gate blocks as update, reset (the order of the equations in some texts)."""
import torch


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    x_z, x_r, x_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)
    h_z, h_r, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h
