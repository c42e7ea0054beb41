# expect: banned operation
"""Instance norm over a [1, rows, D] view normalises each row: layer norm in disguise."""
import torch


def layer_norm(x, weight, bias, eps=1e-5):
    d = x.shape[-1]
    rows = x.reshape(1, -1, d)
    normed = torch.instance_norm(rows, None, None, None, None, True, 0.0, eps, False)
    return normed.reshape(x.shape) * weight + bias
