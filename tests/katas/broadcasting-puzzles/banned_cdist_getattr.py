# expect: banned operation
"""Reaches torch.cdist through a renamed getattr and squares it."""
import torch

_dist = getattr(torch, "".join(["cd", "ist"]))


def broadcasting_puzzles(x, y, labels, num_classes):
    sq = _dist(x, y) ** 2
    normalized = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
    one_hot = (labels[:, None] == torch.arange(num_classes, device=x.device)).long()
    m = one_hot.to(x.dtype)
    means = m.T @ x / m.sum(0)[:, None].clamp_min(1)
    return sq.clamp_min(0), normalized, one_hot, means
