# expect: the mask is aligned to the top-left
"""Uses a plain tril() of the [Tq, Tk] scores, which is only right when Tq == Tk."""
import math

import torch


def causal_attention(q, k, v):
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    mask = torch.tril(torch.ones(s.shape[-2:], dtype=torch.bool, device=q.device))
    return torch.softmax(s.masked_fill(~mask, float("-inf")), dim=-1) @ v
