# expect: banned operation
"""Returns the exact gradient from autograd instead of estimating it."""
import torch


def numerical_gradient(f, x, eps=1e-3):
    x = x.detach().clone().requires_grad_(True)
    f(x).backward()
    return x.grad
