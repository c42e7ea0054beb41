# expect: you rescaled only the accumulated output
"""Rescales the output accumulator when the max grows, but forgets the running sum."""
import math

import torch


def flash_attention(q, k, v, causal=False, block_size=64):
    B, H, T, d = q.shape
    S = k.shape[-2]
    m = torch.full((B, H, T, 1), float("-inf"), dtype=q.dtype, device=q.device)
    denom = torch.zeros(B, H, T, 1, dtype=q.dtype, device=q.device)
    acc = torch.zeros_like(q)
    rows = torch.arange(T, device=q.device)[:, None]
    for start in range(0, S, block_size):
        end = min(start + block_size, S)
        s = q @ k[:, :, start:end].transpose(-2, -1) / math.sqrt(d)
        if causal:
            s = s.masked_fill(torch.arange(start, end, device=q.device) > rows, float("-inf"))
        m_new = torch.maximum(m, s.amax(-1, keepdim=True))
        p = torch.exp(s - m_new)
        denom = denom + p.sum(-1, keepdim=True)
        acc = acc * torch.exp(m - m_new) + p @ v[:, :, start:end]
        m = m_new
    return acc / denom
