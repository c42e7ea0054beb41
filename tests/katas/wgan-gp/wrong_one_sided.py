# expect: the WGAN-GP penalty is two-sided
"""Penalises only gradient norms above 1."""
import torch


def gradient_penalty(critic, real, fake, alpha, lambda_gp=10.0):
    a = alpha.view(-1, *([1] * (real.dim() - 1)))
    x_hat = (a * real + (1 - a) * fake).requires_grad_(True)
    (g,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return lambda_gp * (torch.clamp(g.flatten(1).norm(dim=1) - 1, min=0) ** 2).mean()
