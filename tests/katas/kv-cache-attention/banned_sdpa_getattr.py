# expect: banned operation torch.nn.functional.scaled_dot_product_attention
"""Fetches F.scaled_dot_product_attention through getattr and gives it an offset mask."""
import torch
import torch.nn.functional as F

_attend = getattr(F, "scaled_" + "dot_product_attention")


def kv_cache_attention(x, w_q, w_k, w_v, w_o, num_heads, k_cache, v_cache):
    B, T, D = x.shape
    dh = D // num_heads
    tp = k_cache.shape[2]
    q = (x @ w_q).view(B, T, num_heads, dh).transpose(1, 2)
    k = torch.cat([k_cache, (x @ w_k).view(B, T, num_heads, dh).transpose(1, 2)], dim=2)
    v = torch.cat([v_cache, (x @ w_v).view(B, T, num_heads, dh).transpose(1, 2)], dim=2)
    mask = torch.ones(T, tp + T, dtype=torch.bool, device=x.device).tril(diagonal=tp)
    out = _attend(q, k, v, attn_mask=mask)
    return out.transpose(1, 2).reshape(B, T, D) @ w_o, k, v
