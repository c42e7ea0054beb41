import torch
from torch import Tensor


def info_nce(query: Tensor, key: Tensor, temperature: float = 0.07) -> Tensor:
    """InfoNCE with in-batch negatives: key i is the positive of query i.

    query, key: [N, D]. Rows are L2-normalised, logits = q̂ k̂ᵀ / temperature, and the
    loss is the mean cross-entropy of each row with target i. Returns a 0-dim tensor.
    """
    raise NotImplementedError
