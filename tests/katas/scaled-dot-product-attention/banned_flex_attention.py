# expect: banned operation code from torch.nn.attention
"""Uses flex attention (another public route to a fused attention) for the output."""
import math

import torch
from torch.nn.attention.flex_attention import flex_attention


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    q4, k4, v4 = (t.reshape(-1, 1, *t.shape[-2:]) for t in (q, k, v))
    out = flex_attention(q4, k4, v4).reshape(*q.shape[:-1], v.shape[-1])
    return out, weights
