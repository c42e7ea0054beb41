# expect: SiLU goes on the gate projection
"""Puts the activation on the up projection instead of the gate."""
import torch.nn.functional as F


def swiglu_ffn(x, w_gate, w_up, w_down):
    return ((x @ w_gate) * F.silu(x @ w_up)) @ w_down
