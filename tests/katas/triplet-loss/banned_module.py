# expect: banned operation
"""Wraps nn.TripletMarginLoss, reached through getattr on torch.nn."""
import torch

_cls = getattr(torch.nn, "Triplet" + "MarginLoss")


def triplet_margin_loss(anchor, positive, negative, margin=1.0):
    return _cls(margin=margin)(anchor, positive, negative)
