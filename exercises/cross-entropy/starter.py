import torch
from torch import Tensor


def cross_entropy(logits: Tensor, target: Tensor, label_smoothing: float = 0.0,
                  ignore_index: int = -100) -> Tensor:
    """Mean cross-entropy of `logits` [N, C] against class indices `target` [N].

    Rows whose target equals `ignore_index` are left out of the mean. With label
    smoothing ε, each row's loss is (1-ε)·(-log p_y) + (ε/C)·Σ_c(-log p_c).
    Returns a 0-dim tensor with the dtype and device of `logits`.
    """
    raise NotImplementedError
