# expect: the hinge is missing
"""Forgets the max(·, 0): satisfied triplets push the loss negative."""
import torch


def triplet_margin_loss(anchor, positive, negative, margin=1.0):
    d_pos = (anchor - positive).norm(dim=1)
    d_neg = (anchor - negative).norm(dim=1)
    return (d_pos - d_neg + margin).mean()
