# expect: NaN in the output
"""Hand-written softmax without the max shift: exp of large scores overflows."""
import math

import torch


def causal_attention(q, k, v):
    tq, tk = q.shape[-2], k.shape[-2]
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    mask = torch.ones(tq, tk, dtype=torch.bool, device=q.device).tril(diagonal=tk - tq)
    e = torch.exp(s).masked_fill(~mask, 0.0)
    return (e / e.sum(-1, keepdim=True)) @ v
