import torch.nn.functional as F
from torch import Tensor


def dice_loss(logits: Tensor, target: Tensor, smooth: float = 1.0) -> Tensor:
    """Soft Dice loss: 1 - mean over samples and classes of (2·I + s) / (Σp + Σy + s)."""
    num_classes = logits.shape[1]
    probs = logits.softmax(dim=1)  # stable: subtracts the max internally
    one_hot = F.one_hot(target, num_classes).movedim(-1, 1).to(logits.dtype)
    spatial = tuple(range(2, logits.dim()))  # per sample and per class: [N, C]
    intersection = (probs * one_hot).sum(dim=spatial)
    total = probs.sum(dim=spatial) + one_hot.sum(dim=spatial)
    dice = (2.0 * intersection + smooth) / (total + smooth)
    return 1.0 - dice.mean()
