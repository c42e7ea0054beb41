# expect: take square roots
"""Uses the variances ᾱ_t and 1 − ᾱ_t as the coefficients."""
import torch


def q_sample(x0, t, noise, betas):
    abar = torch.cumprod(1 - betas, 0)[t].view(-1, *([1] * (x0.dim() - 1)))
    return abar * x0 + (1 - abar) * noise
