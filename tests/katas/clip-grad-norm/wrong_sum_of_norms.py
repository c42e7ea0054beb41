# expect: not the sum of the per-tensor norms
"""Adds the per-tensor norms together instead of taking the norm of the norms."""
import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    total = sum(g.norm(norm_type) for g in grads)
    coef = min(1.0, max_norm / (float(total) + 1e-6))
    for g in grads:
        g.mul_(coef)
    return total
