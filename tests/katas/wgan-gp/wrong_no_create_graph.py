# expect: no gradient flows back through it
"""Forgets create_graph=True: the value is right but the penalty cannot be trained."""
import torch


def gradient_penalty(critic, real, fake, alpha, lambda_gp=10.0):
    a = alpha.view(-1, *([1] * (real.dim() - 1)))
    x_hat = (a * real + (1 - a) * fake).detach().requires_grad_(True)
    (g,) = torch.autograd.grad(critic(x_hat).sum(), x_hat)
    return lambda_gp * ((g.flatten(1).norm(dim=1) - 1) ** 2).mean()
