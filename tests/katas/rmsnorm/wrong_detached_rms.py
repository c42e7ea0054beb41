# expect: the gradient w.r.t. x
"""Detaches the RMS to "save memory": the values are right, the gradient w.r.t. x is not."""
import torch


def rms_norm(x, weight, eps=1e-6):
    rms = torch.sqrt(x.detach().pow(2).mean(-1, keepdim=True) + eps)
    return x / rms * weight
