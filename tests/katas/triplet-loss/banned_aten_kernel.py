# expect: banned operation aten::triplet_margin_loss
"""Calls the aten op directly through torch.ops."""
import torch


def triplet_margin_loss(anchor, positive, negative, margin=1.0):
    op = getattr(torch.ops.aten, "triplet_margin_loss")
    return op(anchor, positive, negative, margin, 2.0, 1e-6, False, 1)
