# expect: banned operation
"""Calls the private math attention kernel through torch.ops.aten."""
import torch


def kv_cache_attention(x, w_q, w_k, w_v, w_o, num_heads, k_cache, v_cache):
    B, T, D = x.shape
    dh = D // num_heads
    tp = k_cache.shape[2]
    q = (x @ w_q).view(B, T, num_heads, dh).transpose(1, 2)
    k = torch.cat([k_cache, (x @ w_k).view(B, T, num_heads, dh).transpose(1, 2)], dim=2)
    v = torch.cat([v_cache, (x @ w_v).view(B, T, num_heads, dh).transpose(1, 2)], dim=2)
    mask = torch.ones(T, tp + T, dtype=torch.bool, device=x.device).tril(diagonal=tp)
    out, _ = torch.ops.aten._scaled_dot_product_attention_math(q, k, v, attn_mask=mask)
    return out.transpose(1, 2).reshape(B, T, D) @ w_o, k, v
