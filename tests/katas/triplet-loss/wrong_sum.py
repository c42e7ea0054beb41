# expect: you summed over the triplets
"""Sums the per-triplet losses instead of averaging them."""
import torch


def triplet_margin_loss(anchor, positive, negative, margin=1.0):
    d_pos = torch.cdist(anchor[:, None], positive[:, None]).flatten()
    d_neg = torch.cdist(anchor[:, None], negative[:, None]).flatten()
    return torch.clamp(d_pos - d_neg + margin, min=0).sum()
