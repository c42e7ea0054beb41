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
    raise NotImplementedError
