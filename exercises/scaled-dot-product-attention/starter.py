import math  # noqa: F401

import torch  # noqa: F401
from torch import Tensor


def scaled_dot_product_attention(q: Tensor, k: Tensor, v: Tensor,
                                 mask: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """softmax(q kᵀ / sqrt(d)) v over the last two dims.

    q: [..., Tq, d], k: [..., Tk, d], v: [..., Tk, dv]; mask: bool, broadcastable to
    [..., Tq, Tk], True = the query may attend to that key.
    Returns (output [..., Tq, dv], attention_weights [..., Tq, Tk]).
    """
    raise NotImplementedError
