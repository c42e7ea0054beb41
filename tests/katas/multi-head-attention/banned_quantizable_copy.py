# expect: banned operation code from torch.ao.nn.quantizable
"""Uses the pure-Python copy of MultiheadAttention that lives in torch.ao."""
import torch
from torch.ao.nn.quantizable import MultiheadAttention


def multi_head_attention(query, key, value, w_q, w_k, w_v, w_o, num_heads, mask=None):
    D = query.shape[-1]
    mha = MultiheadAttention(D, num_heads, bias=False, batch_first=True).to(query)
    with torch.no_grad():
        mha.linear_Q.weight.copy_(w_q.T)
        mha.linear_K.weight.copy_(w_k.T)
        mha.linear_V.weight.copy_(w_v.T)
        mha.out_proj.weight.copy_(w_o.T)
    attn_mask = None
    if mask is not None:
        attn_mask = ~mask if mask.dim() == 2 else (~mask).repeat_interleave(num_heads, 0)
    out, _ = mha(query, key, value, attn_mask=attn_mask, need_weights=False)
    return out.detach()
