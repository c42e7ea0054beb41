# expect: NaN in the result
"""Divides by the maximum unconditionally: an all-zero map becomes 0/0 = NaN."""
import torch
import torch.nn.functional as F


def grad_cam(activations, gradients, output_size=None, normalize=True):
    w = gradients.mean(dim=(2, 3), keepdim=True)
    cam = F.relu((w * activations).sum(1))
    if output_size is not None:
        cam = F.interpolate(cam[:, None], size=output_size, mode="bilinear",
                            align_corners=False)[:, 0]
    if normalize:
        cam = cam / cam.amax(dim=(1, 2), keepdim=True)
    return cam
