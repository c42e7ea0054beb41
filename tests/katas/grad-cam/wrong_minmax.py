# expect: subtracted the minimum
"""Min-max scales each map (as pytorch-grad-cam's scale_cam_image does), which the contract does not."""
import torch
import torch.nn.functional as F


def grad_cam(activations, gradients, output_size=None, normalize=True):
    w = gradients.mean(dim=(2, 3), keepdim=True)
    cam = F.relu((w * activations).sum(1))
    if output_size is not None:
        cam = F.interpolate(cam[:, None], size=output_size, mode="bilinear",
                            align_corners=False)[:, 0]
    if normalize:
        lo = cam.amin(dim=(1, 2), keepdim=True)
        hi = cam.amax(dim=(1, 2), keepdim=True)
        cam = (cam - lo) / (hi - lo + 1e-12)
    return cam
