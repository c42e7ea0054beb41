# expect: you dropped the token that crosses top_p
"""Removes every token whose cumulative probability exceeds top_p, including the one that
crosses it, so the kept mass is below top_p instead of reaching it."""
import torch


def top_k_top_p_filter(logits, top_k=0, top_p=1.0):
    out = logits.clone()
    if top_k > 0:
        kth = torch.topk(out, min(top_k, out.size(-1))).values[..., -1:]
        out[out < kth] = float("-inf")
    if top_p < 1.0:
        sorted_logits, idx = out.sort(dim=-1, descending=True)
        cum = sorted_logits.softmax(-1).cumsum(-1)
        remove = cum > top_p
        remove[..., 0] = False
        out[remove.scatter(-1, idx, remove)] = float("-inf")
    return out
