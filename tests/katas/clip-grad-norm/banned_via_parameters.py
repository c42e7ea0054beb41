# expect: banned operation
"""Wraps each gradient in a throwaway Parameter and calls clip_grad_norm_, fetched by a
built-up name from torch.nn.utils."""
import importlib

import torch

_utils = importlib.import_module("torch.nn." + "utils")
_clip = getattr(_utils, "clip_grad_" + "norm_")


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.empty_like(g))
        p.grad = g  # the same tensor: clip_grad_norm_ scales it in place
        params.append(p)
    return _clip(params, max_norm, norm_type)
