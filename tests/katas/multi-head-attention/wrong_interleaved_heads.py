# expect: head h must take the contiguous columns
"""Splits heads as [B, T, dh, H]: head h gets columns h, h+H, ... instead of a block."""
import math

import torch


def multi_head_attention(query, key, value, w_q, w_k, w_v, w_o, num_heads, mask=None):
    B, Tq, D = query.shape
    Tk = key.shape[1]
    dh = D // num_heads
    q = (query @ w_q).view(B, Tq, dh, num_heads).permute(0, 3, 1, 2)
    k = (key @ w_k).view(B, Tk, dh, num_heads).permute(0, 3, 1, 2)
    v = (value @ w_v).view(B, Tk, dh, num_heads).permute(0, 3, 1, 2)
    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
    if mask is not None:
        m = mask if mask.dim() == 2 else mask[:, None]
        scores = scores.masked_fill(~m, float("-inf"))
    out = torch.softmax(scores, dim=-1) @ v
    return out.permute(0, 2, 3, 1).reshape(B, Tq, D) @ w_o
