# expect: you summed the squares
"""Divides by the L2 norm (sum of squares) instead of the root mean square."""
import torch


def rms_norm(x, weight, eps=1e-6):
    return x / torch.sqrt((x * x).sum(dim=-1, keepdim=True) + eps) * weight
