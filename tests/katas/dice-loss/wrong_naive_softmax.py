# expect: exp() overflows
"""Writes the softmax as exp(x) / Σ exp(x) without subtracting the max."""
import torch
import torch.nn.functional as F


def dice_loss(logits, target, smooth=1.0):
    e = logits.exp()
    p = e / e.sum(1, keepdim=True)
    y = F.one_hot(target, logits.shape[1]).movedim(-1, 1).to(p.dtype)
    dims = tuple(range(2, logits.dim()))
    dice = (2 * (p * y).sum(dims) + smooth) / (p.sum(dims) + y.sum(dims) + smooth)
    return 1 - dice.mean()
