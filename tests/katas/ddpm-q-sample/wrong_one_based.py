# expect: as if t were 1-based
"""Reads t as 1-based: alphas_cumprod[t - 1], so t = 0 silently wraps to the last step."""
import torch


def q_sample(x0, t, noise, betas):
    alphas_cumprod = torch.cumprod(1 - betas, 0)
    abar = alphas_cumprod[t - 1].view(-1, *([1] * (x0.dim() - 1)))
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise
