# expect: rows whose target equals ignore_index must be left out
"""Hard-codes "ignored means negative": misses ignore_index=0 (a padding class id)."""
import torch


def cross_entropy(logits, target, label_smoothing=0.0, ignore_index=-100):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    keep = target >= 0
    safe = torch.where(keep, target, torch.zeros_like(target))
    nll = -log_probs.gather(1, safe[:, None]).squeeze(1)
    eps, c = label_smoothing, logits.shape[1]
    per_row = (1 - eps) * nll + eps / c * (-log_probs.sum(1))
    return per_row[keep].mean()
