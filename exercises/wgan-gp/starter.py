import torch
from torch import Tensor


def gradient_penalty(critic, real: Tensor, fake: Tensor, alpha: Tensor,
                     lambda_gp: float = 10.0) -> Tensor:
    """WGAN-GP penalty: lambda_gp * mean_b (||grad_x critic(x_hat)_b||_2 - 1)^2.

    x_hat = alpha_b * real_b + (1 - alpha_b) * fake_b; critic(x) -> [N, 1] scores.
    Returns a differentiable 0-dim tensor (its gradients w.r.t. real and fake matter).
    """
    raise NotImplementedError
