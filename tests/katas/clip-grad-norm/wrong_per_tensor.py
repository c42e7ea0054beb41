# expect: you clipped each tensor by its own norm
"""Clips each gradient tensor by its own norm, changing the direction of the whole
gradient."""
import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    norms = []
    for g in grads:
        n = torch.linalg.vector_norm(g, norm_type)
        g.mul_((max_norm / (n + 1e-6)).clamp(max=1.0))
        norms.append(n)
    return torch.linalg.vector_norm(torch.stack(norms), norm_type)
