# expect: banned operation
"""Imports the functional batch norm under another name."""
from torch.nn import functional as _ops

_normalise = _ops.batch_norm


def batch_norm(x, weight, bias, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    return _normalise(x, running_mean, running_var, weight, bias, training, momentum, eps)
