# expect: banned operation
"""Hides an nn.RNNCell behind importlib, copying the given weights into it."""
import importlib

import torch

_nn = importlib.import_module("torch." + "nn")


def rnn_forward(x, h0, w_ih, w_hh, b_ih, b_hh):
    cell = getattr(_nn, "RNN" + "Cell")(w_ih.shape[1], w_hh.shape[0]).to(x.device, x.dtype)
    with torch.no_grad():
        cell.weight_ih.copy_(w_ih)
        cell.weight_hh.copy_(w_hh)
        cell.bias_ih.copy_(b_ih)
        cell.bias_hh.copy_(b_hh)
    h, steps = h0, []
    for t in range(x.shape[0]):
        h = cell(x[t], h)
        steps.append(h)
    return torch.stack(steps), h
