# expect: drop the channel dimension
"""Returns [B, 1, H, W] (sum with keepdim=True) instead of [B, H, W]."""
import torch
import torch.nn.functional as F


def grad_cam(activations, gradients, output_size=None, normalize=True):
    w = gradients.mean(dim=(2, 3), keepdim=True)
    cam = F.relu((w * activations).sum(1, keepdim=True))
    if output_size is not None:
        cam = F.interpolate(cam, size=output_size, mode="bilinear", align_corners=False)
    if normalize:
        peak = cam.amax(dim=(2, 3), keepdim=True)
        cam = torch.where(peak > 0, cam / peak.clamp_min(1e-30), torch.zeros_like(cam))
    return cam
