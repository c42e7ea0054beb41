# expect: you ignored h0
"""Starts every sequence from a zero state, as in the textbook's first example."""
import torch


def rnn_forward(x, h0, w_ih, w_hh, b_ih, b_hh):
    h = torch.zeros_like(h0)
    steps = []
    for t in range(x.shape[0]):
        h = torch.tanh(x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
        steps.append(h)
    return torch.stack(steps), h
