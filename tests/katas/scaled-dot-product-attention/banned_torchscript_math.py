# expect: torch.jit and torch.compile are not available
"""Hides PyTorch's math attention inside a TorchScript function, out of the Python guard's
sight; the sandbox refuses TorchScript and torch.compile outright."""
import math

import torch


@torch.jit.script
def _attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    return torch._scaled_dot_product_attention_math(q, k, v)[0]


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    if mask is None:
        return _attend(q, k, v), weights
    return weights @ v, weights
