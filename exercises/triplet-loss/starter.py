import torch
from torch import Tensor


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0) -> Tensor:
    """Mean over the N triplets of max(||a - p|| - ||a - n|| + margin, 0).

    anchor, positive, negative: [N, D]. Returns a 0-dim tensor.
    """
    raise NotImplementedError
