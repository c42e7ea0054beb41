# expect: a hand-written sigmoid or tanh overflowed in exp()
"""Writes tanh from its definition: (e^{2x} - 1)/(e^{2x} + 1) is inf/inf = NaN once x > 44."""
import torch


def _tanh(v):
    e = torch.exp(2 * v)
    return (e - 1) / (e + 1)


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i, f, g, o = gates.chunk(4, dim=1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * _tanh(g)
    return torch.sigmoid(o) * _tanh(c_next), c_next
