# expect: you normalised the columns
"""Normalises over dim 0 (each column) instead of each row."""
import torch


def broadcasting_puzzles(x, y, labels, num_classes):
    sq = (x[:, None, :] - y[None, :, :]).pow(2).sum(-1)
    normalized = x / x.norm(dim=0, keepdim=True).clamp_min(1e-12)
    one_hot = (labels[:, None] == torch.arange(num_classes, device=x.device)).long()
    m = one_hot.to(x.dtype)
    means = m.T @ x / m.sum(0)[:, None].clamp_min(1)
    return sq, normalized, one_hot, means
