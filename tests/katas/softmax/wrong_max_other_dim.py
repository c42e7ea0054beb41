# expect: you subtracted the max along another dim
"""Subtracts the max along the wrong dim: the shift then varies inside a slice."""
import torch
def softmax(x, dim=-1):
    other = 0 if dim % x.dim() != 0 else x.dim() - 1
    e = torch.exp(x - x.amax(dim=other, keepdim=True))
    return e / e.sum(dim=dim, keepdim=True)
