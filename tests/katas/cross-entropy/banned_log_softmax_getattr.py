# expect: banned operation
"""Reaches log_softmax through a getattr on the Tensor class with a built-up name."""
import torch

_lsm = getattr(torch.Tensor, "_".join(["log", "softmax"]))


def cross_entropy(logits, target, label_smoothing=0.0, ignore_index=-100):
    log_probs = _lsm(logits, 1)
    keep = target != ignore_index
    safe = torch.where(keep, target, torch.zeros_like(target))
    nll = -log_probs.gather(1, safe[:, None]).squeeze(1)
    eps, c = label_smoothing, logits.shape[1]
    per_row = (1 - eps) * nll + eps / c * (-log_probs.sum(1))
    return per_row[keep].mean()
