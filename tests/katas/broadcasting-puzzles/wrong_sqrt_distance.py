# expect: you took the square root
"""Returns Euclidean distances (with the sqrt) where the squared distance is asked for."""
import torch


def broadcasting_puzzles(x, y, labels, num_classes):
    dists = (x[:, None, :] - y[None, :, :]).pow(2).sum(-1).sqrt()
    normalized = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
    one_hot = (labels[:, None] == torch.arange(num_classes, device=x.device)).long()
    m = one_hot.to(x.dtype)
    means = m.T @ x / m.sum(0)[:, None].clamp_min(1)
    return dists, normalized, one_hot, means
