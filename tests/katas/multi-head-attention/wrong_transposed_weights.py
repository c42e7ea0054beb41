# expect: project with x @ w, not x @ w.T
"""Treats the weights as nn.Linear's [D_out, D_in] and projects with x @ w.T."""
import math

import torch
import torch.nn.functional as F


def multi_head_attention(query, key, value, w_q, w_k, w_v, w_o, num_heads, mask=None):
    B, Tq, D = query.shape
    dh = D // num_heads
    q = F.linear(query, w_q).unflatten(-1, (num_heads, dh)).transpose(1, 2)
    k = F.linear(key, w_k).unflatten(-1, (num_heads, dh)).transpose(1, 2)
    v = F.linear(value, w_v).unflatten(-1, (num_heads, dh)).transpose(1, 2)
    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
    if mask is not None:
        m = mask if mask.dim() == 2 else mask.unsqueeze(1)
        scores = scores.masked_fill(~m, float("-inf"))
    out = torch.softmax(scores, dim=-1) @ v
    return F.linear(out.transpose(1, 2).reshape(B, Tq, D), w_o)
