# expect: multiply by its transpose
"""Multiplies the hidden state by w_hh as stored ([out, in]) instead of its transpose."""
import torch


def rnn_forward(x, h0, w_ih, w_hh, b_ih, b_hh):
    h, steps = h0, []
    for t in range(x.shape[0]):
        h = torch.tanh(x[t] @ w_ih.T + b_ih + h @ w_hh + b_hh)
        steps.append(h)
    return torch.stack(steps), h
