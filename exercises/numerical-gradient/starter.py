from collections.abc import Callable

import torch
from torch import Tensor


def numerical_gradient(f: Callable[[Tensor], Tensor], x: Tensor, eps: float = 1e-3) -> Tensor:
    """Central-difference gradient of the scalar function `f` at `x` (float64, any shape):
    g[i] = (f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps).

    Returns a tensor with the shape, dtype and device of `x`; `x` is left unchanged.
    """
    raise NotImplementedError
