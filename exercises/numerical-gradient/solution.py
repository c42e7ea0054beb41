from collections.abc import Callable

import torch
from torch import Tensor


def numerical_gradient(f: Callable[[Tensor], Tensor], x: Tensor, eps: float = 1e-3) -> Tensor:
    """Central-difference gradient of the scalar function `f` at `x`:
    g[i] = (f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps), one coordinate at a time."""
    xf = x.detach().clone().reshape(-1)  # a private copy: x itself is never touched
    grad = torch.zeros_like(xf)
    for i in range(xf.numel()):
        old = xf[i].item()
        xf[i] = old + eps
        f_plus = f(xf.reshape(x.shape))
        xf[i] = old - eps
        f_minus = f(xf.reshape(x.shape))
        xf[i] = old  # restore exactly (not by adding eps back)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad.reshape(x.shape)
