import torch
from torch import Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """Softmax of `x` along `dim`, stable for entries up to ±1e4."""
    # Shifting by the max leaves softmax unchanged and keeps every exponent <= 0,
    # so exp() never overflows; a -inf entry becomes exp(-inf) = 0.
    shifted = x - x.amax(dim=dim, keepdim=True)
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)
