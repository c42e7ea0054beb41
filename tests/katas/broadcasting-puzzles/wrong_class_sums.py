# expect: class_means holds the per-class *sums*
"""Forgets to divide the per-class sums by the counts."""
import torch


def broadcasting_puzzles(x, y, labels, num_classes):
    sq = (x[:, None, :] - y[None, :, :]).pow(2).sum(-1)
    normalized = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
    one_hot = (labels[:, None] == torch.arange(num_classes, device=x.device)).long()
    means = one_hot.to(x.dtype).T @ x
    return sq, normalized, one_hot, means
