# expect: the negatives need a minus sign inside the sigmoid
"""Scores the negatives like positives: −log σ(u_k·v) instead of −log σ(−u_k·v)."""
import torch
import torch.nn.functional as F


def sgns_loss(in_embed, out_embed, center, context, negatives):
    v = in_embed[center]
    pos = (out_embed[context] * v).sum(1)
    neg = torch.einsum("bkd,bd->bk", out_embed[negatives], v)
    return -(F.logsigmoid(pos) + F.logsigmoid(neg).sum(1)).mean()
