# expect: each slice needs its own max
"""Subtracts the max of the whole tensor instead of each slice's max along dim: right while
all slices sit at similar levels, 0/0 or wrong for a slice far below the global max."""
import torch
def softmax(x, dim=-1):
    e = torch.exp(x - x.max())
    return e / e.sum(dim=dim, keepdim=True)
