# expect: you scaled by 1/sqrt(D)
"""Scales every head's scores by 1/sqrt(D) (the model width) instead of 1/sqrt(dh)."""
import math

import torch


def multi_head_attention(query, key, value, w_q, w_k, w_v, w_o, num_heads, mask=None):
    B, Tq, D = query.shape
    dh = D // num_heads
    q = (query @ w_q).unflatten(-1, (num_heads, dh)).transpose(1, 2)
    k = (key @ w_k).unflatten(-1, (num_heads, dh)).transpose(1, 2)
    v = (value @ w_v).unflatten(-1, (num_heads, dh)).transpose(1, 2)
    scores = q @ k.transpose(-2, -1) / math.sqrt(D)
    if mask is not None:
        m = mask if mask.dim() == 2 else mask.unsqueeze(1)
        scores = scores.masked_fill(~m, float("-inf"))
    out = torch.softmax(scores, dim=-1) @ v
    return out.transpose(1, 2).reshape(B, Tq, D) @ w_o
