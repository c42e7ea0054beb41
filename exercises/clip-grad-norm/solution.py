import torch
from torch import Tensor


def clip_grad_norm(grads: list[Tensor], max_norm: float, norm_type: float = 2.0) -> Tensor:
    """Clip `grads` in place by their global `norm_type`-norm, like clip_grad_norm_."""
    # The p-norm of all elements together is the p-norm of the per-tensor p-norms
    # (p = inf included: the max of the maxes).
    per_tensor = torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads])
    total = torch.linalg.vector_norm(per_tensor, norm_type)
    # One shared factor, never above 1: small gradients are left alone.
    coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(coef)
    return total
