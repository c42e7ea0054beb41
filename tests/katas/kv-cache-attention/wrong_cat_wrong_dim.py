# expect: append the new keys and values along the time dim, dim=2
"""Appends the new keys and values along dim 1 (the heads) instead of dim 2 (time)."""
import math

import torch


def kv_cache_attention(x, w_q, w_k, w_v, w_o, num_heads, k_cache, v_cache):
    B, T, D = x.shape
    dh = D // num_heads
    tp = k_cache.shape[2]
    q = (x @ w_q).view(B, T, num_heads, dh).transpose(1, 2)
    k = torch.cat([k_cache, (x @ w_k).view(B, T, num_heads, dh).transpose(1, 2)], dim=1)
    v = torch.cat([v_cache, (x @ w_v).view(B, T, num_heads, dh).transpose(1, 2)], dim=1)
    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
    mask = torch.ones(T, tp + T, dtype=torch.bool, device=x.device).tril(diagonal=tp)
    scores = scores.masked_fill(~mask, float("-inf"))
    out = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, D) @ w_o
    return out, k, v
