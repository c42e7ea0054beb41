# expect: _sparse_log_softmax
"""Takes the log-probabilities from the sparse twin of log_softmax (torch.sparse.log_softmax
on a sparse copy of the logits): another kernel of the banned family."""
import torch


def cross_entropy(logits, target, label_smoothing=0.0, ignore_index=-100):
    logp = torch.sparse.log_softmax(logits.to_sparse(), 1).to_dense()
    keep = target != ignore_index
    t = torch.where(keep, target, torch.zeros_like(target))
    nll = -logp.gather(1, t[:, None]).squeeze(1)
    smooth = -logp.mean(1)
    loss = (1 - label_smoothing) * nll + label_smoothing * smooth
    return loss[keep].mean()
