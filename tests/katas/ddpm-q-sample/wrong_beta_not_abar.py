# expect: you used β_t, the one-step noise, instead of ᾱ_t
"""Uses the one-step transition q(x_t | x_{t-1}) with x_0 in place of x_{t-1}."""
import torch


def q_sample(x0, t, noise, betas):
    beta = betas[t].reshape(-1, *([1] * (x0.dim() - 1)))
    return torch.sqrt(1 - beta) * x0 + torch.sqrt(beta) * noise
