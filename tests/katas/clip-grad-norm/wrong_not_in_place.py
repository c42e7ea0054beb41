# expect: scale them in place
"""Builds clipped copies and rebinds a local list: the caller's tensors never change."""
import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    total = torch.linalg.vector_norm(torch.cat([g.reshape(-1) for g in grads]), norm_type)
    coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
    grads = [g * coef for g in grads]
    return total
