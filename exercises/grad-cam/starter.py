import torch
import torch.nn.functional as F
from torch import Tensor


def grad_cam(activations: Tensor, gradients: Tensor, output_size: tuple[int, int] | None = None,
             normalize: bool = True) -> Tensor:
    """Grad-CAM heat maps (Selvaraju et al. 2017) from a layer's activations and gradients.

    activations, gradients: [B, C, H, W] (gradients = d score / d activations).
    Channel weights are the spatial means of the gradients; the map is the ReLU of the
    weighted sum of the activation channels: [B, H, W]. If `output_size` is given, upsample
    it bilinearly (align_corners=False) to [B, *output_size]; then, if `normalize`, divide
    each image's map by its own maximum (an all-zero map stays zero).
    """
    raise NotImplementedError
