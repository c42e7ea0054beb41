import math  # noqa: F401

import torch  # noqa: F401
from torch import Tensor


def multi_head_attention(query: Tensor, key: Tensor, value: Tensor, w_q: Tensor, w_k: Tensor,
                         w_v: Tensor, w_o: Tensor, num_heads: int,
                         mask: Tensor | None = None) -> Tensor:
    """Multi-head attention without biases.

    query: [B, Tq, D]; key, value: [B, Tk, D]; w_q, w_k, w_v, w_o: [D, D] stored
    [D_in, D_out] (project with x @ w). Head h uses columns h*dh:(h+1)*dh of each
    projection, dh = D // num_heads; scale 1/sqrt(dh). mask: bool [Tq, Tk] or
    [B, Tq, Tk], True = may attend. Returns [B, Tq, D].
    """
    raise NotImplementedError
