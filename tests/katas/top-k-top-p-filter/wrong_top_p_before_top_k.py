# expect: top-p must run after top-k
"""Applies the nucleus cut on the full distribution first and top-k afterwards."""
import torch


def top_k_top_p_filter(logits, top_k=0, top_p=1.0):
    out = logits.clone()
    if top_p < 1.0:
        sorted_logits, idx = out.sort(dim=-1, descending=True)
        probs = sorted_logits.softmax(-1)
        remove = probs.cumsum(-1) - probs >= top_p
        out = out.masked_fill(remove.scatter(-1, idx, remove), float("-inf"))
    if top_k > 0:
        kth = torch.topk(out, min(top_k, out.size(-1))).values[..., -1:]
        out = out.masked_fill(out < kth, float("-inf"))
    return out
