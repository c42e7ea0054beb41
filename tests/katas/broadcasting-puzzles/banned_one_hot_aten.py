# expect: banned operation
"""Calls the one_hot kernel through torch.ops.aten instead of F.one_hot."""
import torch


def broadcasting_puzzles(x, y, labels, num_classes):
    sq = (x[:, None, :] - y[None, :, :]).pow(2).sum(-1)
    normalized = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
    one_hot = torch.ops.aten.one_hot(labels, num_classes)
    m = one_hot.to(x.dtype)
    means = m.T @ x / m.sum(0)[:, None].clamp_min(1)
    return sq, normalized, one_hot, means
