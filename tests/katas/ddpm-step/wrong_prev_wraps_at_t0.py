# expect: alphas_cumprod[t − 1] wrapped around to the last entry
"""Always adds noise, with ᾱ_{t−1} read as alphas_cumprod[t - 1]: at t = 0 that index is
-1, the LAST entry, so the final step adds noise of std ~ sqrt(β_0 / (1 − ᾱ_0)) ≈ 1."""
import torch


def ddpm_step(x_t, eps_pred, t, betas, noise=None):
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)
    mean = (x_t - betas[t] / torch.sqrt(1 - abar[t]) * eps_pred) / torch.sqrt(alphas[t])
    var = betas[t] * (1 - abar[t - 1]) / (1 - abar[t])
    if noise is None:
        noise = torch.randn_like(x_t)
    return mean + var.sqrt() * noise
