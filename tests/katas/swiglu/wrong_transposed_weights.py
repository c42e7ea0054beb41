# expect: weights are stored [in, out]
"""Treats the weights as nn.Linear's [out, in] and uses F.linear (x @ w.T)."""
import torch.nn.functional as F


def swiglu_ffn(x, w_gate, w_up, w_down):
    return F.linear(F.silu(F.linear(x, w_gate)) * F.linear(x, w_up), w_down)
