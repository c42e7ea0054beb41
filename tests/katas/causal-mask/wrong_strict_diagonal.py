# expect: must also attend to its own position
"""Treats the diagonal as the future too (mask = triu(diagonal=Tk - Tq), so j >= i is
hidden), and patches the NaN of the first row, which then sees nothing, with nan_to_num."""
import math

import torch


def causal_attention(q, k, v):
    tq, tk = q.shape[-2], k.shape[-2]
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    future = torch.ones(tq, tk, dtype=torch.bool, device=q.device).triu(diagonal=tk - tq)
    w = torch.softmax(s.masked_fill(future, float("-inf")), dim=-1)
    return torch.nan_to_num(w) @ v
