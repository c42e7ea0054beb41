# expect: you squared p and y in the denominator
"""Uses the V-Net denominator Σp² + Σy² instead of Σp + Σy."""
import torch
import torch.nn.functional as F


def dice_loss(logits, target, smooth=1.0):
    p = logits.softmax(1)
    y = F.one_hot(target, logits.shape[1]).movedim(-1, 1).to(p.dtype)
    dims = tuple(range(2, logits.dim()))
    dice = (2 * (p * y).sum(dims) + smooth) / ((p ** 2).sum(dims) + (y ** 2).sum(dims) + smooth)
    return 1 - dice.mean()
