# expect: your causal mask is aligned to the top-left corner
"""Builds the causal mask as a plain tril() of the [T_new, T_past + T_new] score matrix,
so new token i sees keys j <= i: the cache is hidden from it."""
import math

import torch


def kv_cache_attention(x, w_q, w_k, w_v, w_o, num_heads, k_cache, v_cache):
    B, T, D = x.shape
    dh = D // num_heads
    q = (x @ w_q).view(B, T, num_heads, dh).transpose(1, 2)
    k = torch.cat([k_cache, (x @ w_k).view(B, T, num_heads, dh).transpose(1, 2)], dim=2)
    v = torch.cat([v_cache, (x @ w_v).view(B, T, num_heads, dh).transpose(1, 2)], dim=2)
    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
    causal = torch.ones(T, k.shape[2], dtype=torch.bool, device=x.device).tril()
    scores = scores.masked_fill(~causal, float("-inf"))
    out = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, D) @ w_o
    return out, k, v
