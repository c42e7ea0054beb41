import torch
from torch import Tensor


def gram_style_loss(generated: Tensor, style: Tensor) -> Tensor:
    """Style loss: mean squared difference of the normalised Gram matrices.

    generated: [B, C, H, W]; style: [B, C, Hs, Ws] (spatial sizes may differ).
    G_b = X_b @ X_b.T / (C * H * W) with X_b the [C, H*W] flattened map of sample b.
    Returns mean((G(generated) - G(style)) ** 2) over all B*C*C entries, a 0-dim tensor.
    """
    raise NotImplementedError
