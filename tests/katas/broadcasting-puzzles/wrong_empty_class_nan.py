# expect: a class with no samples has count 0
"""Divides the class sums by the raw counts: an empty class becomes 0/0 = NaN."""
import torch


def broadcasting_puzzles(x, y, labels, num_classes):
    sq = (x[:, None, :] - y[None, :, :]).pow(2).sum(-1)
    normalized = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
    one_hot = (labels[:, None] == torch.arange(num_classes, device=x.device)).long()
    m = one_hot.to(x.dtype)
    means = m.T @ x / m.sum(0)[:, None]
    return sq, normalized, one_hot, means
