# expect: broadcast against the LAST dim of x0
"""Multiplies by the [B] vector of coefficients without reshaping it to [B, 1, ...]:
it lines up with the last dim of x0 (and crashes when that dim is not B)."""
import torch


def q_sample(x0, t, noise, betas):
    abar = torch.cumprod(1 - betas, dim=0)[t]
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise
