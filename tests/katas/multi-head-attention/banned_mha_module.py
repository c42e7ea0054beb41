# expect: banned operation torch.nn.functional.multi_head_attention_forward
"""Loads the weights into an nn.MultiheadAttention module and calls it."""
import torch
from torch import nn


def multi_head_attention(query, key, value, w_q, w_k, w_v, w_o, num_heads, mask=None):
    D = query.shape[-1]
    mha = nn.MultiheadAttention(D, num_heads, bias=False, batch_first=True).to(query)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([w_q.T, w_k.T, w_v.T]))
        mha.out_proj.weight.copy_(w_o.T)
    attn_mask = None
    if mask is not None:
        attn_mask = ~mask if mask.dim() == 2 else (~mask).repeat_interleave(num_heads, 0)
    out, _ = mha(query, key, value, attn_mask=attn_mask, need_weights=False)
    return out.detach()
