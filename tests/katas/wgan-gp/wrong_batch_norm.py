# expect: one norm over the whole batch
"""Takes a single norm of the whole gradient tensor instead of one per sample."""
import torch


def gradient_penalty(critic, real, fake, alpha, lambda_gp=10.0):
    a = alpha.view(-1, *([1] * (real.dim() - 1)))
    x_hat = (a * real + (1 - a) * fake).requires_grad_(True)
    (g,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return lambda_gp * ((g.norm() - 1) ** 2)
