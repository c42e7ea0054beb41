import math

import torch
from torch import Tensor


def kv_cache_attention(x: Tensor, w_q: Tensor, w_k: Tensor, w_v: Tensor, w_o: Tensor,
                       num_heads: int, k_cache: Tensor,
                       v_cache: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """One incremental decoding step of causal multi-head self-attention with a KV cache."""
    B, T_new, D = x.shape
    dh = D // num_heads
    T_past = k_cache.shape[2]

    def split_heads(t: Tensor) -> Tensor:
        # [B, T_new, D] -> [B, H, T_new, dh]: head h owns columns h*dh:(h+1)*dh.
        return t.reshape(B, T_new, num_heads, dh).transpose(1, 2)

    # Only the new tokens are projected; the past keys / values come from the cache.
    q = split_heads(x @ w_q)
    k_cache = torch.cat((k_cache, split_heads(x @ w_k)), dim=2)  # [B, H, T_past + T_new, dh]
    v_cache = torch.cat((v_cache, split_heads(x @ w_v)), dim=2)

    scores = q @ k_cache.transpose(-2, -1) / math.sqrt(dh)  # [B, H, T_new, T_past + T_new]
    # New token i sits at position T_past + i: it sees every key j <= T_past + i.
    i = torch.arange(T_new, device=x.device)[:, None] + T_past
    j = torch.arange(T_past + T_new, device=x.device)[None, :]
    scores = scores.masked_fill(j > i, float("-inf"))
    heads = torch.softmax(scores, dim=-1) @ v_cache  # [B, H, T_new, dh]

    out = heads.transpose(1, 2).reshape(B, T_new, D) @ w_o
    return out, k_cache, v_cache
