import torch
from torch import Tensor


def depthwise_separable_conv(x: Tensor, depthwise_weight: Tensor, pointwise_weight: Tensor,
                             stride: int = 1, padding: int = 0) -> Tensor:
    """Depthwise k x k convolution (one kernel per channel), then a pointwise 1 x 1 one.

    x [N, C_in, H, W], depthwise_weight [C_in, 1, k, k], pointwise_weight [C_out, C_in, 1, 1].
    Returns [N, C_out, H_out, W_out].
    """
    raise NotImplementedError
