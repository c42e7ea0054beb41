# expect: never exp of raw logits or log(softmax)
"""A stable softmax, then log(p): a probability that underflows to 0 gives -log 0 = inf."""
import torch


def cross_entropy(logits, target, label_smoothing=0.0, ignore_index=-100):
    e = torch.exp(logits - logits.amax(dim=1, keepdim=True))
    probs = e / e.sum(dim=1, keepdim=True)
    log_probs = torch.log(probs)
    keep = target != ignore_index
    safe = torch.where(keep, target, torch.zeros_like(target))
    nll = -log_probs.gather(1, safe[:, None]).squeeze(1)
    eps, c = label_smoothing, logits.shape[1]
    per_row = (1 - eps) * nll + eps / c * (-log_probs.sum(1))
    return per_row[keep].mean()
