import torch
from torch import Tensor


def gradient_penalty(critic, real: Tensor, fake: Tensor, alpha: Tensor,
                     lambda_gp: float = 10.0) -> Tensor:
    """WGAN-GP penalty: lambda_gp * mean_b (||grad_x critic(x_hat)_b||_2 - 1)^2."""
    a = alpha.view(-1, *([1] * (real.dim() - 1)))       # one alpha per sample
    x_hat = a * real + (1 - a) * fake
    if not x_hat.requires_grad:                          # inputs without a graph
        x_hat.requires_grad_(True)
    scores = critic(x_hat)
    # Samples are scored independently, so d(sum of scores)/d x_hat holds each sample's gradient.
    (grads,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)
    norms = grads.flatten(start_dim=1).norm(2, dim=1)
    return lambda_gp * ((norms - 1) ** 2).mean()
