# expect: the gate must multiply the up projection
"""Writes a plain SiLU MLP and forgets the elementwise product with x @ w_up."""
import torch.nn.functional as F


def swiglu_ffn(x, w_gate, w_up, w_down):
    return F.silu(x @ w_gate) @ w_down
