import torch
from torch import Tensor


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: in training, zero each element with probability `p` and scale
    the kept ones by 1 / (1 - p) so that E[out] = x; in eval, return `x`'s values."""
    if not training or p == 0.0:
        return x.clone()
    if p == 1.0:
        return torch.zeros_like(x)  # everything dropped; 1 / (1 - p) would divide by 0
    keep = torch.rand_like(x) >= p  # True with probability 1 - p, one draw per element
    return x * keep / (1.0 - p)
