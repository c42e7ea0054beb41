import torch
from torch import Tensor


def batch_norm(x: Tensor, weight: Tensor, bias: Tensor, running_mean: Tensor,
               running_var: Tensor, training: bool, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:
    """Batch normalisation of `x` [N, C, *] per channel (dim 1).

    training=True: normalise with the batch mean and biased variance over every
    dim except 1, and update `running_mean` / `running_var` in place with
    r = (1 - momentum)·r + momentum·s (the unbiased batch variance for running_var).
    training=False: normalise with the running statistics and leave them unchanged.
    Then scale by `weight` [C] and shift by `bias` [C]. Returns a new tensor.
    """
    dims = [0] + list(range(2, x.dim()))  # every dim but the channels
    shape = [1, -1] + [1] * (x.dim() - 2)  # [C] -> broadcastable against x

    if training:
        mean = x.mean(dim=dims)
        var = ((x - mean.view(shape)) ** 2).mean(dim=dims)  # biased: normalise with this
        n = x.numel() // x.shape[1]  # values per channel
        with torch.no_grad():  # the running stats are buffers, not part of the graph
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var * n / (n - 1))  # unbiased
    else:
        mean, var = running_mean, running_var

    x_hat = (x - mean.view(shape)) * torch.rsqrt(var.view(shape) + eps)
    return x_hat * weight.view(shape) + bias.view(shape)
