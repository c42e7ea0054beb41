# expect: you returned (c_next, h_next)
"""Returns the state as (c, h), the order some frameworks store it in."""
import torch


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    i, f, g, o = (x @ w_ih.T + b_ih + h @ w_hh.T + b_hh).chunk(4, dim=1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return c_next, torch.sigmoid(o) * torch.tanh(c_next)
