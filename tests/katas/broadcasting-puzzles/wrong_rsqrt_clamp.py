# expect: output 2 is wrong
"""rsqrt of the clamped squared norm: clamps the norm at 1e-6, so tiny rows are not unit length."""
import torch


def broadcasting_puzzles(x, y, labels, num_classes: int):
    sq = (x[:, None, :] - y[None, :, :]).pow(2).sum(-1)
    # clamps the SQUARED norm at 1e-12, i.e. the norm at 1e-6: tiny rows are not unit length
    n = x * torch.rsqrt(x.pow(2).sum(1, keepdim=True).clamp_min(1e-12))
    oh = (labels[:, None] == torch.arange(num_classes, device=labels.device)).long()
    m = oh.to(x.dtype)
    means = (m.T @ x) / m.sum(0)[:, None].clamp_min(1)
    return sq, n, oh, means
