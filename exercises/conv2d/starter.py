import torch
from torch import Tensor


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1,
           padding: int = 0) -> Tensor:
    """2-D cross-correlation, as `torch.nn.functional.conv2d` computes it.

    x: [N, C_in, H, W]; weight: [C_out, C_in, kH, kW]; bias: [C_out] or None.
    `padding` zeros are added on every side of H and W; the window moves by `stride`.
    Returns [N, C_out, H_out, W_out] with H_out = (H + 2*padding - kH) // stride + 1
    (same for W), on the device and with the dtype of `x`.
    """
    raise NotImplementedError
