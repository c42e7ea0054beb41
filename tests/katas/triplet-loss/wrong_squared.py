# expect: you squared the distances
"""Uses squared Euclidean distances, as in the FaceNet paper."""
import torch


def triplet_margin_loss(anchor, positive, negative, margin=1.0):
    d_pos = ((anchor - positive) ** 2).sum(1)
    d_neg = ((anchor - negative) ** 2).sum(1)
    return torch.clamp(d_pos - d_neg + margin, min=0).mean()
