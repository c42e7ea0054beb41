# expect: log(sigmoid(x)) underflows
"""Writes torch.log(torch.sigmoid(x)): −inf once σ(x) underflows to 0."""
import torch


def sgns_loss(in_embed, out_embed, center, context, negatives):
    v = in_embed[center]
    pos = (out_embed[context] * v).sum(1)
    neg = torch.einsum("bkd,bd->bk", out_embed[negatives], v)
    loss = -(torch.log(torch.sigmoid(pos)) + torch.log(torch.sigmoid(-neg)).sum(1))
    return loss.mean()
