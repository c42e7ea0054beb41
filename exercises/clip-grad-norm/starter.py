import torch
from torch import Tensor


def clip_grad_norm(grads: list[Tensor], max_norm: float, norm_type: float = 2.0) -> Tensor:
    """Clip `grads` in place by their global `norm_type`-norm, like clip_grad_norm_.

    Every tensor is multiplied by min(1, max_norm / (total_norm + 1e-6)).
    Returns the total norm before clipping, as a 0-dim tensor.
    """
    raise NotImplementedError
