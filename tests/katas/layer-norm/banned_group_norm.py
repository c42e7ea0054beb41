# expect: banned operation
"""Group norm with a single group over a [rows, 1, D] view is layer norm in disguise."""
import torch.nn.functional as F


def layer_norm(x, weight, bias, eps=1e-5):
    d = x.shape[-1]
    rows = x.reshape(-1, 1, d)
    normed = F.group_norm(rows, 1, eps=eps).reshape(x.shape)
    return normed * weight + bias
