import torch
import torch.nn.functional as F
from torch import Tensor


def grad_cam(activations: Tensor, gradients: Tensor, output_size: tuple[int, int] | None = None,
             normalize: bool = True) -> Tensor:
    """Grad-CAM heat maps (Selvaraju et al. 2017) from a layer's activations and gradients.

    activations, gradients: [B, C, H, W] (gradients = d score / d activations).
    Returns [B, H, W], or [B, *output_size] after bilinear upsampling; with `normalize`,
    each image's map is divided by its own maximum (an all-zero map stays zero).
    """
    weights = gradients.mean(dim=(2, 3), keepdim=True)  # alpha_c: [B, C, 1, 1]
    cam = F.relu((weights * activations).sum(dim=1))  # [B, H, W]: positive evidence only
    if output_size is not None:
        cam = F.interpolate(cam.unsqueeze(1), size=tuple(output_size), mode="bilinear",
                            align_corners=False).squeeze(1)
    if normalize:
        peak = cam.amax(dim=(1, 2), keepdim=True)  # per image, never over the batch
        cam = torch.where(peak > 0, cam / peak.clamp_min(torch.finfo(cam.dtype).tiny),
                          torch.zeros_like(cam))
    return cam
