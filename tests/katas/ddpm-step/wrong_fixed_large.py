# expect: you used σ_t² = β_t (the 'fixed_large' variance
"""Samples with σ_t² = β_t (Ho et al.'s other choice) instead of the posterior variance."""
import torch


def ddpm_step(x_t, eps_pred, t, betas, noise=None):
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)
    mean = (x_t - betas[t] / (1 - abar[t]).sqrt() * eps_pred) / alphas[t].sqrt()
    if t == 0:
        return mean
    if noise is None:
        noise = torch.randn_like(x_t)
    return mean + betas[t].sqrt() * noise
