# expect: you perturbed every coordinate at once
"""Perturbs the whole tensor by eps instead of one coordinate at a time."""
import torch


def numerical_gradient(f, x, eps=1e-3):
    d = (f(x + eps) - f(x - eps)) / (2 * eps)
    return torch.ones_like(x) * d
