# expect: eps goes inside the square root
"""Adds eps to the RMS instead of to the mean square."""
import torch


def rms_norm(x, weight, eps=1e-6):
    rms = torch.sqrt(x.pow(2).mean(dim=-1, keepdim=True))
    return x / (rms + eps) * weight
