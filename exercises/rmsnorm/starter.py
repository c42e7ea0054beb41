import torch
from torch import Tensor


def rms_norm(x: Tensor, weight: Tensor, eps: float = 1e-6) -> Tensor:
    """RMSNorm of `x` over its last dimension, scaled by `weight`.

    x: [..., D]; weight: [D]. Returns x / sqrt(mean(x², -1) + eps) * weight, a new tensor
    with the shape, dtype and device of x.
    """
    raise NotImplementedError
