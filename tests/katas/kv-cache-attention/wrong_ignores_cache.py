# expect: the queries must attend to the cached keys too
"""Appends to the cache but computes attention over the new tokens only."""
import math

import torch


def kv_cache_attention(x, w_q, w_k, w_v, w_o, num_heads, k_cache, v_cache):
    B, T, D = x.shape
    dh = D // num_heads
    q = (x @ w_q).view(B, T, num_heads, dh).transpose(1, 2)
    k_new = (x @ w_k).view(B, T, num_heads, dh).transpose(1, 2)
    v_new = (x @ w_v).view(B, T, num_heads, dh).transpose(1, 2)
    scores = q @ k_new.transpose(-2, -1) / math.sqrt(dh)
    mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
    scores = scores.masked_fill(~mask, float("-inf"))
    out = (scores.softmax(-1) @ v_new).transpose(1, 2).reshape(B, T, D) @ w_o
    return out, torch.cat([k_cache, k_new], 2), torch.cat([v_cache, v_new], 2)
