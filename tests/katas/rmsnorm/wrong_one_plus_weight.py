# expect: you scaled by (1 + weight)
"""Copies Gemma's RMSNorm, which stores weight as an offset from 1."""
import torch


def rms_norm(x, weight, eps=1e-6):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * (1.0 + weight)
