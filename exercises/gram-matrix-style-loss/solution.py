import torch
from torch import Tensor


def _gram(features: Tensor) -> Tensor:
    """[B, C, H, W] -> [B, C, C] Gram matrices, each divided by C*H*W."""
    b, c = features.shape[:2]
    x = features.reshape(b, c, -1)  # [B, C, H*W]
    return torch.bmm(x, x.transpose(1, 2)) / (c * x.shape[2])


def gram_style_loss(generated: Tensor, style: Tensor) -> Tensor:
    """Mean squared difference of the normalised Gram matrices of two feature maps."""
    return (_gram(generated) - _gram(style)).pow(2).mean()
