# expect: you did not mask among them
"""No mask at all: fine for a single new token, but in a prefill each new token sees
the new tokens after it."""
import math

import torch


def kv_cache_attention(x, w_q, w_k, w_v, w_o, num_heads, k_cache, v_cache):
    B, T, D = x.shape
    dh = D // num_heads
    q = (x @ w_q).view(B, T, num_heads, dh).transpose(1, 2)
    k = torch.cat([k_cache, (x @ w_k).view(B, T, num_heads, dh).transpose(1, 2)], dim=2)
    v = torch.cat([v_cache, (x @ w_v).view(B, T, num_heads, dh).transpose(1, 2)], dim=2)
    weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(dh), dim=-1)
    out = (weights @ v).transpose(1, 2).reshape(B, T, D) @ w_o
    return out, k, v
