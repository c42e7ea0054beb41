# expect: you used ᾱ_{t−1} (an exclusive cumprod
"""Builds ᾱ with a leading 1 (like alphas_cumprod_prev) and indexes it with t, so the
product stops one step early and t = 0 returns x0 unchanged."""
import torch


def q_sample(x0, t, noise, betas):
    alphas = 1 - betas
    abar = torch.cat([torch.ones_like(alphas[:1]), torch.cumprod(alphas, 0)])[t]
    abar = abar.view(-1, *([1] * (x0.dim() - 1)))
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise
