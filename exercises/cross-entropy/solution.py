import torch
from torch import Tensor


def cross_entropy(logits: Tensor, target: Tensor, label_smoothing: float = 0.0,
                  ignore_index: int = -100) -> Tensor:
    """Mean cross-entropy of `logits` [N, C] against class indices `target` [N].

    Rows whose target equals `ignore_index` are left out of the mean. With label
    smoothing ε, each row's loss is (1-ε)·(-log p_y) + (ε/C)·Σ_c(-log p_c).
    Returns a 0-dim tensor with the dtype and device of `logits`.
    """
    num_classes = logits.shape[1]
    # log p = x - logsumexp(x): logsumexp subtracts the row max internally, so
    # nothing overflows, and no probability is rounded to 0 before the log.
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)

    keep = target != ignore_index
    # Ignored rows may hold an out-of-range index (-100): gather a valid one, then drop them.
    safe_target = torch.where(keep, target, torch.zeros_like(target))
    nll = -log_probs.gather(1, safe_target.unsqueeze(1)).squeeze(1)
    smooth = -log_probs.sum(dim=1)  # Σ_c -log p_c: the uniform part of the smoothed target

    eps = label_smoothing
    per_row = (1.0 - eps) * nll + (eps / num_classes) * smooth
    return per_row[keep].sum() / keep.sum()
