# expect: you normalised over the whole tensor
"""Forgets `dim`: normalises over every element at once."""
import torch


def softmax(x, dim=-1):
    e = torch.exp(x - x.max())
    return e / e.sum()
