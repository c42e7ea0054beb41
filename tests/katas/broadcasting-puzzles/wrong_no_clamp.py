# expect: negative squared distances
"""The expansion ||x||^2 + ||y||^2 - 2 x.y without clamping: coinciding points go below 0."""
import torch


def broadcasting_puzzles(x, y, labels, num_classes):
    xx = (x ** 2).sum(1)[:, None]
    yy = (y ** 2).sum(1)[None, :]
    sq = xx + yy - 2 * x @ y.T
    normalized = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
    one_hot = (labels[:, None] == torch.arange(num_classes, device=x.device)).long()
    m = one_hot.to(x.dtype)
    means = m.T @ x / m.sum(0)[:, None].clamp_min(1)
    return sq, normalized, one_hot, means
