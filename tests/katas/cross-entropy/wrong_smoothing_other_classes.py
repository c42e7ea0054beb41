# expect: ε/C goes to every class, including the target
"""Label smoothing that spreads ε over the C-1 wrong classes only (q_y = 1-ε)."""
import torch


def cross_entropy(logits, target, label_smoothing=0.0, ignore_index=-100):
    n, c = logits.shape
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    keep = target != ignore_index
    safe = torch.where(keep, target, torch.zeros_like(target))
    q = torch.full_like(logits, label_smoothing / max(c - 1, 1))
    q.scatter_(1, safe[:, None], 1.0 - label_smoothing)
    per_row = -(q * log_probs).sum(dim=1)
    return per_row[keep].mean()
