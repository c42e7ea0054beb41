# expect: every sample needs its own noise
"""Draws one noise map and broadcasts it over the batch: every sample gets the same noise."""
import torch


def ddpm_step(x_t, eps_pred, t, betas, noise=None):
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)
    mean = (x_t - betas[t] / (1 - abar[t]).sqrt() * eps_pred) / alphas[t].sqrt()
    if t == 0:
        return mean
    if noise is None:
        noise = torch.randn(x_t.shape[1:], device=x_t.device, dtype=x_t.dtype)
    return mean + (betas[t] * (1 - abar[t - 1]) / (1 - abar[t])).sqrt() * noise
