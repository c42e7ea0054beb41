import torch
from torch import Tensor


def q_sample(x0: Tensor, t: Tensor, noise: Tensor, betas: Tensor) -> Tensor:
    """Sample x_t ~ q(x_t | x_0) of the DDPM forward process, one timestep per sample."""
    alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)  # ᾱ_t for every t = 0 .. T-1
    abar = alphas_cumprod[t]  # [B]: each sample's own ᾱ_t
    # [B] -> [B, 1, ..., 1] so it broadcasts over every dim of a sample, not the last one.
    abar = abar.reshape(-1, *([1] * (x0.dim() - 1))).to(x0.dtype)
    return abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise
