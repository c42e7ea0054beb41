# expect: positive and negative are swapped
"""Writes d(a, n) − d(a, p) + margin."""
import torch


def triplet_margin_loss(anchor, positive, negative, margin=1.0):
    d_pos = (anchor - positive).norm(dim=1)
    d_neg = (anchor - negative).norm(dim=1)
    return torch.relu(d_neg - d_pos + margin).mean()
