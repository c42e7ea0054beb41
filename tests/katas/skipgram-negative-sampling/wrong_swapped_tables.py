# expect: the tables are swapped
"""Looks the center word up in out_embed and the context words in in_embed."""
import torch
import torch.nn.functional as F


def sgns_loss(in_embed, out_embed, center, context, negatives):
    v = out_embed[center]
    pos = (in_embed[context] * v).sum(1)
    neg = torch.einsum("bkd,bd->bk", in_embed[negatives], v)
    return -(F.logsigmoid(pos) + F.logsigmoid(-neg).sum(1)).mean()
