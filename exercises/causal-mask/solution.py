import math

import torch
from torch import Tensor


def causal_attention(q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    """Scaled dot-product attention with a causal mask aligned to the bottom-right."""
    tq, tk, d = q.shape[-2], k.shape[-2], q.shape[-1]
    # The queries are the last Tq positions: query i may see keys up to Tk - Tq + i.
    allowed = torch.ones(tq, tk, dtype=torch.bool, device=q.device).tril(diagonal=tk - tq)
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(d)
    # -inf before the softmax: masked keys get exactly zero weight and rows still sum to 1
    # (softmax subtracts the row max, so large scores stay finite).
    weights = torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)
    return weights @ v
