# expect: a row of zeros has norm 0
"""Divides by the raw row norm: a row of zeros becomes 0/0 = NaN."""
import torch


def broadcasting_puzzles(x, y, labels, num_classes):
    sq = (x[:, None, :] - y[None, :, :]).pow(2).sum(-1)
    normalized = x / x.norm(dim=1, keepdim=True)
    one_hot = (labels[:, None] == torch.arange(num_classes, device=x.device)).long()
    m = one_hot.to(x.dtype)
    means = m.T @ x / m.sum(0)[:, None].clamp_min(1)
    return sq, normalized, one_hot, means
