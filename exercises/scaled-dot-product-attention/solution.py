import math

import torch
from torch import Tensor


def scaled_dot_product_attention(q: Tensor, k: Tensor, v: Tensor,
                                 mask: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """softmax(q kᵀ / sqrt(d)) v over the last two dims; returns (output, weights)."""
    d = q.shape[-1]
    # [..., Tq, d] @ [..., d, Tk] -> [..., Tq, Tk]: one score per (query, key) pair.
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)
    if mask is not None:
        # -inf where the query may not attend: exp(-inf) = 0 after the softmax.
        # Every row keeps at least one key, so no row is all -inf.
        scores = scores.masked_fill(~mask, float("-inf"))
    # Normalise over the keys (the last axis); torch.softmax subtracts the row max.
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights
