# expect: not by sqrt(ᾱ_t)
"""Divides the mean by sqrt(ᾱ_t), mixing up the one-step and cumulative factors."""
import torch


def ddpm_step(x_t, eps_pred, t, betas, noise=None):
    abar = torch.cumprod(1 - betas, 0)
    mean = (x_t - betas[t] / torch.sqrt(1 - abar[t]) * eps_pred) / torch.sqrt(abar[t])
    if t == 0:
        return mean
    abar_prev = abar[t - 1]
    sigma = torch.sqrt(betas[t] * (1 - abar_prev) / (1 - abar[t]))
    if noise is None:
        noise = torch.randn_like(x_t)
    return mean + sigma * noise
