# expect: each class gets ε/C of the mass
"""Mixes in ε times the sum of all -log p_c, forgetting that the uniform part is ε/C per class."""
import torch


def cross_entropy(logits, target, label_smoothing=0.0, ignore_index=-100):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    keep = target != ignore_index
    safe = torch.where(keep, target, torch.zeros_like(target))
    nll = -log_probs.gather(1, safe[:, None]).squeeze(1)
    eps = label_smoothing
    per_row = (1 - eps) * nll + eps * (-log_probs.sum(1))
    return per_row[keep].mean()
