# expect: modified its input 'logits' in place
"""Filters with masked_fill_ straight on the caller's logits (and returns them): the
caller's tensor is destroyed."""
import torch


def top_k_top_p_filter(logits, top_k=0, top_p=1.0):
    if top_k > 0:
        kth = torch.topk(logits, min(top_k, logits.size(-1))).values[..., -1:]
        logits.masked_fill_(logits < kth, float("-inf"))
    if top_p < 1.0:
        sorted_logits, idx = logits.sort(dim=-1, descending=True)
        probs = sorted_logits.softmax(-1)
        remove = probs.cumsum(-1) - probs >= top_p
        logits.masked_fill_(remove.scatter(-1, idx, remove), float("-inf"))
    return logits.clone()
