# expect: is the estimate of x_0, not the mean of x_{t−1}
"""Returns the x_0 estimate (plus noise) instead of the posterior mean of x_{t-1}."""
import torch


def ddpm_step(x_t, eps_pred, t, betas, noise=None):
    abar = torch.cumprod(1 - betas, 0)
    x0 = (x_t - (1 - abar[t]).sqrt() * eps_pred) / abar[t].sqrt()
    if t == 0:
        return x0
    if noise is None:
        noise = torch.randn_like(x_t)
    return x0 + (betas[t] * (1 - abar[t - 1]) / (1 - abar[t])).sqrt() * noise
