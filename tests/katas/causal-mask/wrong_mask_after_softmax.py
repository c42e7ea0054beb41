# expect: you zeroed the masked weights after the softmax
"""Applies the softmax to all scores and multiplies by the 0/1 mask afterwards."""
import math

import torch


def causal_attention(q, k, v):
    tq, tk = q.shape[-2], k.shape[-2]
    w = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
    mask = torch.ones(tq, tk, device=q.device, dtype=q.dtype).tril(diagonal=tk - tq)
    return (w * mask) @ v
