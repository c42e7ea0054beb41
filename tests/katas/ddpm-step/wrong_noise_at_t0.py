# expect: at t = 0 the step returns the mean: add no noise
"""Uses β_t as the noise scale on the last step too (the 'fixed_large' choice without
the t > 0 guard), so the final sample is still noisy."""
import torch


def ddpm_step(x_t, eps_pred, t, betas, noise=None):
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)
    mean = (x_t - betas[t] / (1 - abar[t]).sqrt() * eps_pred) / alphas[t].sqrt()
    # at t = 0 fall back on sqrt(β_0) instead of skipping the noise
    sigma = (betas[t] * (1 - abar[t - 1]) / (1 - abar[t])).sqrt() if t > 0 else betas[t].sqrt()
    if noise is None:
        noise = torch.randn_like(x_t)
    return mean + sigma * noise
