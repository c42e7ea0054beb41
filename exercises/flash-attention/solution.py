import math

import torch
from torch import Tensor


def flash_attention(q: Tensor, k: Tensor, v: Tensor, causal: bool = False,
                    block_size: int = 64) -> Tensor:
    """Exact softmax(q kᵀ / sqrt(d)) v, one block of keys at a time (online softmax).

    Never holds the [T, S] score matrix: only [B, H, T, block_size] scores per step.
    """
    B, H, T, d = q.shape
    S = k.shape[-2]
    q = q * (1.0 / math.sqrt(d))  # scale once, up front
    # Running statistics per query row: max m, running sum row_sum of exp(score - m), and the
    # un-normalised output acc = sum_j exp(score_j - m) v_j.
    m = torch.full((B, H, T, 1), float("-inf"), dtype=q.dtype, device=q.device)
    row_sum = torch.zeros((B, H, T, 1), dtype=q.dtype, device=q.device)
    acc = torch.zeros((B, H, T, v.shape[-1]), dtype=q.dtype, device=q.device)
    rows = torch.arange(T, device=q.device)[:, None]  # query index i, [T, 1]

    for start in range(0, S, block_size):
        if causal and start >= T:
            break  # no query sees keys at or after position T
        end = min(start + block_size, S)
        scores = q @ k[..., start:end, :].transpose(-2, -1)  # [B, H, T, blk]
        if causal:
            cols = torch.arange(start, end, device=q.device)[None, :]  # key index j
            scores = scores.masked_fill(cols > rows, float("-inf"))
        m_new = torch.maximum(m, scores.amax(dim=-1, keepdim=True))
        # Key 0 is in the first block and every query sees it, so m_new is finite from
        # the first block on: no exp(-inf - (-inf)).
        p = torch.exp(scores - m_new)
        correction = torch.exp(m - m_new)  # rescale what was summed under the old max
        row_sum = row_sum * correction + p.sum(dim=-1, keepdim=True)
        acc = acc * correction + p @ v[..., start:end, :]
        m = m_new
    return acc / row_sum
