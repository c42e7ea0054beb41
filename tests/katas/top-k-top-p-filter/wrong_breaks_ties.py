# expect: logits tied with the k-th largest must all be kept
"""Keeps exactly the k indices torch.topk returns, so among logits tied with the k-th
value some are kept and some dropped arbitrarily."""
import torch


def top_k_top_p_filter(logits, top_k=0, top_p=1.0):
    out = logits.clone()
    if top_k > 0:
        idx = torch.topk(out, min(top_k, out.size(-1))).indices
        keep = torch.zeros_like(out, dtype=torch.bool).scatter(-1, idx, True)
        out = out.masked_fill(~keep, float("-inf"))
    if top_p < 1.0:
        sorted_logits, idx = out.sort(dim=-1, descending=True)
        probs = sorted_logits.softmax(-1)
        remove = probs.cumsum(-1) - probs >= top_p
        out = out.masked_fill(remove.scatter(-1, idx, remove), float("-inf"))
    return out
