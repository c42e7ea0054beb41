# expect: banned operation
"""Builds the log-probabilities by hand, then hands them to the private nll_loss kernel."""
import torch

_nll = torch._C._nn.nll_loss


def cross_entropy(logits, target, label_smoothing=0.0, ignore_index=-100):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    nll = _nll(log_probs, target, None, 1, ignore_index)
    keep = target != ignore_index
    smooth = -log_probs.sum(1)[keep].mean() / logits.shape[1]
    return (1 - label_smoothing) * nll + label_smoothing * smooth
