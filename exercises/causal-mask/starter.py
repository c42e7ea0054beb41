import math

import torch
from torch import Tensor


def causal_attention(q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    """Scaled dot-product attention with a causal mask aligned to the bottom-right.

    q: [..., Tq, d]; k: [..., Tk, d]; v: [..., Tk, dv]; 1 <= Tq <= Tk.
    Query i is at position Tk - Tq + i and attends to keys j <= Tk - Tq + i.
    Returns [..., Tq, dv].
    """
    raise NotImplementedError
