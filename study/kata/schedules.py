"""Diffusion noise schedules, float32 as a model would hold them (for the DDPM katas)."""

import math

import torch


def linear_betas(T: int, start: float = 1e-4, end: float = 0.02) -> torch.Tensor:
    """Ho et al. 2020."""
    return torch.linspace(start, end, T, dtype=torch.float64).float()


def cosine_betas(T: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    """Nichol & Dhariwal 2021: ᾱ(t) = cos²((t/T + s)/(1 + s)·π/2), β clipped at 0.999."""
    f = [math.cos((i / T + s) / (1 + s) * math.pi / 2) ** 2 for i in range(T + 1)]
    return torch.tensor([min(1 - f[i + 1] / f[i], max_beta) for i in range(T)]).float()


def scaled_linear_betas(T: int) -> torch.Tensor:
    """Stable Diffusion's schedule: linear in sqrt(β)."""
    return (torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, T, dtype=torch.float64) ** 2).float()
