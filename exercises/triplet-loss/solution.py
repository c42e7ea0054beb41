import torch
from torch import Tensor


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0) -> Tensor:
    """Mean over the N triplets of max(||a - p|| - ||a - n|| + margin, 0)."""
    d_pos = torch.linalg.vector_norm(anchor - positive, dim=1)  # [N], not squared
    d_neg = torch.linalg.vector_norm(anchor - negative, dim=1)
    # Hinge per triplet: satisfied triplets give 0 (and no gradient).
    return torch.clamp(d_pos - d_neg + margin, min=0).mean()
