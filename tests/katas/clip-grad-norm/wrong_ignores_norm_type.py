# expect: use norm_type
"""Always uses the Euclidean norm, whatever norm_type says."""
import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    total = torch.sqrt(sum((g.double() ** 2).sum() for g in grads)).float()
    coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(coef)
    return total
