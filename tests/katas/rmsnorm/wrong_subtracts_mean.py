# expect: you subtracted the mean (that is layer norm)
"""Writes layer norm without the bias: centres each vector before normalising."""
import torch


def rms_norm(x, weight, eps=1e-6):
    xc = x - x.mean(dim=-1, keepdim=True)
    return xc / torch.sqrt(xc.pow(2).mean(dim=-1, keepdim=True) + eps) * weight
