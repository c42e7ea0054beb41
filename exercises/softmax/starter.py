import torch
from torch import Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """Softmax of `x` along `dim`, stable for entries up to ±1e4.

    Returns a new tensor with the shape, dtype and device of `x`.
    """
    raise NotImplementedError
