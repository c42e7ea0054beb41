# expect: banned operation
"""Reaches the math attention kernel through torch.ops.aten with an explicit mask."""
import torch

_op = getattr(torch.ops.aten, "_scaled_dot_product_attention_" + "math")


def causal_attention(q, k, v):
    tq, tk = q.shape[-2], k.shape[-2]
    mask = torch.ones(tq, tk, dtype=torch.bool, device=q.device).tril(diagonal=tk - tq)
    return _op(q, k, v, attn_mask=mask)[0]
