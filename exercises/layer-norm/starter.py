import torch
from torch import Tensor


def layer_norm(x: Tensor, weight: Tensor, bias: Tensor, eps: float = 1e-5) -> Tensor:
    """Layer normalisation of `x` [..., D] over its last dimension.

    Normalise each row with its mean and biased variance, then scale by
    `weight` [D] and shift by `bias` [D]. Returns a new tensor shaped like `x`;
    gradients must flow to `x`, `weight` and `bias`.
    """
    raise NotImplementedError
