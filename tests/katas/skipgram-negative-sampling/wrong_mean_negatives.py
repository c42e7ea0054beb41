# expect: you averaged over the K negatives
"""Averages the negative terms over K instead of summing them."""
import torch
import torch.nn.functional as F


def sgns_loss(in_embed, out_embed, center, context, negatives):
    v = in_embed[center]
    pos = (out_embed[context] * v).sum(1)
    neg = torch.bmm(out_embed[negatives], v.unsqueeze(2)).squeeze(2)
    return -(F.logsigmoid(pos) + F.logsigmoid(-neg).mean(1)).mean()
