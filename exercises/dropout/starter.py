import torch
from torch import Tensor


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: in training, zero each element with probability `p` and scale
    the kept ones by 1 / (1 - p); with training=False return `x`'s values.

    Returns a new tensor with the shape, dtype and device of `x`; `x` is not modified.
    """
    raise NotImplementedError
