# expect: (not torch.rand_like)
"""Draws the missing noise with torch.rand_like: uniform on [0, 1), not standard normal."""
import torch


def ddpm_step(x_t, eps_pred, t, betas, noise=None):
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)
    mean = (x_t - betas[t] / (1 - abar[t]).sqrt() * eps_pred) / alphas[t].sqrt()
    if t == 0:
        return mean
    if noise is None:
        noise = torch.rand_like(x_t)
    return mean + (betas[t] * (1 - abar[t - 1]) / (1 - abar[t])).sqrt() * noise
