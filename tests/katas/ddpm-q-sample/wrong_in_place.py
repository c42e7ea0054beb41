# expect: modified its input 'x0' in place
"""Scales x0 with an augmented assignment, which works in place on the caller's batch."""
import torch


def q_sample(x0, t, noise, betas):
    abar = torch.cumprod(1 - betas, 0)[t].view(-1, *([1] * (x0.dim() - 1)))
    x0 *= abar.sqrt()
    return x0 + (1 - abar).sqrt() * noise
