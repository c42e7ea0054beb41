import math  # noqa: F401

import torch  # noqa: F401
from torch import Tensor


def kv_cache_attention(x: Tensor, w_q: Tensor, w_k: Tensor, w_v: Tensor, w_o: Tensor,
                       num_heads: int, k_cache: Tensor,
                       v_cache: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """One incremental decoding step of causal multi-head self-attention with a KV cache.

    x: [B, T_new, D], the new tokens (T_new >= 1). w_q, w_k, w_v, w_o: [D, D] stored
    [D_in, D_out] (project with x @ w). Head h uses columns h*dh:(h+1)*dh, dh = D // num_heads;
    scale 1/sqrt(dh). k_cache, v_cache: [B, num_heads, T_past, dh], the projected keys and
    values of the earlier tokens (T_past may be 0). New token i is at position T_past + i and
    attends to every key j <= T_past + i.
    Returns (out [B, T_new, D], new_k_cache, new_v_cache [B, num_heads, T_past + T_new, dh]).
    """
    raise NotImplementedError
