# expect: you read the rows as i, g, f, o
"""Ports TensorFlow's BasicLSTMCell, whose split is i, j (candidate), f, o."""
import torch


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i, j, f, o = torch.split(gates, h.shape[1], dim=1)
    c_next = c * torch.sigmoid(f) + torch.sigmoid(i) * torch.tanh(j)
    return torch.tanh(c_next) * torch.sigmoid(o), c_next
