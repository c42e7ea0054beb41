# expect: banned operation
"""Computes the total with torch.nn.utils.get_total_norm and scales by hand."""
from torch.nn import utils as U


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    total = U.get_total_norm(grads, norm_type)
    coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(coef)
    return total
