# expect: expand it with repeat_interleave(num_heads, 0), not repeat
"""Flattens heads into the batch (b·H + h) but expands a 3-D mask with repeat."""
import math

import torch


def multi_head_attention(query, key, value, w_q, w_k, w_v, w_o, num_heads, mask=None):
    B, Tq, D = query.shape
    Tk = key.shape[1]
    dh = D // num_heads

    def fold(x, T):  # [B, T, D] -> [B*H, T, dh]
        return x.reshape(B, T, num_heads, dh).transpose(1, 2).reshape(B * num_heads, T, dh)

    q, k, v = fold(query @ w_q, Tq), fold(key @ w_k, Tk), fold(value @ w_v, Tk)
    scores = torch.bmm(q, k.transpose(1, 2)) / math.sqrt(dh)
    if mask is not None:
        m = mask.repeat(num_heads, 1, 1) if mask.dim() == 3 else mask
        scores = scores.masked_fill(~m, float("-inf"))
    out = torch.bmm(torch.softmax(scores, dim=-1), v)
    out = out.reshape(B, num_heads, Tq, dh).transpose(1, 2).reshape(B, Tq, D)
    return out @ w_o
