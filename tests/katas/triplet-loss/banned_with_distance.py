# expect: banned operation
"""Uses the distance-function variant of the same loss with an explicit L2 distance."""
import torch.nn.functional as F


def triplet_margin_loss(anchor, positive, negative, margin=1.0):
    return F.triplet_margin_with_distance_loss(
        anchor, positive, negative, distance_function=lambda x, y: (x - y).norm(dim=1),
        margin=margin)
