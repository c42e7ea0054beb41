import torch
from torch import Tensor


def layer_norm(x: Tensor, weight: Tensor, bias: Tensor, eps: float = 1e-5) -> Tensor:
    """Layer normalisation of `x` [..., D] over its last dimension.

    Normalise each row with its mean and biased variance, then scale by
    `weight` [D] and shift by `bias` [D]. Returns a new tensor shaped like `x`;
    gradients must flow to `x`, `weight` and `bias`.
    """
    mean = x.mean(dim=-1, keepdim=True)
    centered = x - mean
    # Two passes: the variance of the centred values. E[x²] - E[x]² would subtract
    # two large, nearly equal numbers when |mean| >> std and lose the digits.
    var = (centered * centered).mean(dim=-1, keepdim=True)  # biased: divide by D
    x_hat = centered * torch.rsqrt(var + eps)
    return x_hat * weight + bias
