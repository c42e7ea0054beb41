# expect: renormalised over the survivors
"""Computes the probabilities once, from the full vocabulary, and reuses them for top-p
after top-k: the nucleus is measured against the wrong distribution."""
import torch


def top_k_top_p_filter(logits, top_k=0, top_p=1.0):
    probs = logits.softmax(-1)
    out = logits.clone()
    if top_k > 0:
        kth = torch.topk(logits, min(top_k, logits.size(-1))).values[..., -1:]
        out = out.masked_fill(logits < kth, float("-inf"))
        probs = probs.masked_fill(logits < kth, 0.0)
    if top_p < 1.0:
        p_sorted, idx = probs.sort(dim=-1, descending=True)
        remove = p_sorted.cumsum(-1) - p_sorted >= top_p
        out = out.masked_fill(remove.scatter(-1, idx, remove), float("-inf"))
    return out
