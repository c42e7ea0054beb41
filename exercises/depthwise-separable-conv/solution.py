import torch
import torch.nn.functional as F
from torch import Tensor


def depthwise_separable_conv(x: Tensor, depthwise_weight: Tensor, pointwise_weight: Tensor,
                             stride: int = 1, padding: int = 0) -> Tensor:
    """Depthwise k x k convolution (one kernel per channel), then a pointwise 1 x 1 one."""
    k = depthwise_weight.shape[-1]
    x = F.pad(x, (padding, padding, padding, padding))
    windows = x.unfold(2, k, stride).unfold(3, k, stride)  # [N, C, H_out, W_out, k, k]
    # Depthwise: channel c meets only its own kernel, no sum over channels.
    d = torch.einsum("nchwab,cab->nchw", windows, depthwise_weight[:, 0])
    # Pointwise: a 1x1 convolution is a matmul over the channel dimension.
    return torch.einsum("nchw,oc->nohw", d, pointwise_weight[:, :, 0, 0])
