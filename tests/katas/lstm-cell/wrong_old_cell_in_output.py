# expect: uses the NEW cell state c', not the old c
"""Computes h' from the cell state passed in instead of the updated one."""
import torch


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i, f, g, o = gates.chunk(4, dim=1)
    h_next = torch.sigmoid(o) * torch.tanh(c)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return h_next, c_next
