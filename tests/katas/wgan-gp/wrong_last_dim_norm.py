# expect: not only the last dimension
"""Takes the norm over dim=-1 only (fine for [B, D], wrong for images), then averages."""
import torch


def gradient_penalty(critic, real, fake, alpha, lambda_gp=10.0):
    a = alpha.view(-1, *([1] * (real.dim() - 1)))
    x_hat = (a * real + (1 - a) * fake).requires_grad_(True)
    (g,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return lambda_gp * ((g.norm(2, dim=-1) - 1) ** 2).mean()
