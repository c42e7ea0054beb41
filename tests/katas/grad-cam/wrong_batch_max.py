# expect: maximum over the whole batch
"""Normalises by the largest value of the whole batch instead of per image."""
import torch
import torch.nn.functional as F


def grad_cam(activations, gradients, output_size=None, normalize=True):
    w = gradients.mean(dim=(2, 3), keepdim=True)
    cam = F.relu((w * activations).sum(1))
    if output_size is not None:
        cam = F.interpolate(cam[:, None], size=output_size, mode="bilinear",
                            align_corners=False)[:, 0]
    if normalize and cam.max() > 0:
        cam = cam / cam.max()
    return cam
