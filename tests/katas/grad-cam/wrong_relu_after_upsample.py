# expect: apply the ReLU before upsampling
"""ReLU after upsampling: negative values blend into positive neighbours first."""
import torch
import torch.nn.functional as F


def grad_cam(activations, gradients, output_size=None, normalize=True):
    w = gradients.mean(dim=(2, 3), keepdim=True)
    cam = (w * activations).sum(dim=1)
    if output_size is not None:
        cam = F.interpolate(cam[:, None], size=output_size, mode="bilinear", align_corners=False)[:, 0]
    cam = F.relu(cam)
    if normalize:
        peak = cam.amax(dim=(1, 2), keepdim=True)
        cam = torch.where(peak > 0, cam / peak.clamp_min(1e-30), torch.zeros_like(cam))
    return cam
