# expect: banned operation
"""Wraps nn.RMSNorm with the given weight."""
import torch


def rms_norm(x, weight, eps=1e-6):
    m = torch.nn.RMSNorm(x.shape[-1], eps=eps, device=x.device, dtype=x.dtype)
    with torch.no_grad():
        m.weight.copy_(weight)
    return m(x) * (weight / m.weight.detach())
