# expect: you used sigmoid(z) (plain GLU)
"""Gates with a sigmoid: that is the original GLU, not SwiGLU."""
import torch


def swiglu_ffn(x, w_gate, w_up, w_down):
    return (torch.sigmoid(x @ w_gate) * (x @ w_up)) @ w_down
