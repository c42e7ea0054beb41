import torch.nn.functional as F
from torch import Tensor


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1,
           padding: int = 0) -> Tensor:
    """2-D cross-correlation, as `torch.nn.functional.conv2d` computes it (im2col + matmul)."""
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1

    # Zero padding on all four sides: (left, right, top, bottom).
    x = F.pad(x, (padding, padding, padding, padding))
    # im2col: every kH x kW window becomes one column of C_in*kH*kW values,
    # ordered like weight[o].reshape(-1): [N, C_in*kH*kW, H_out*W_out].
    cols = F.unfold(x, (kh, kw), stride=stride)
    # Each output channel is a dot product of its (unflipped) filter with every column.
    out = weight.reshape(c_out, -1) @ cols  # [N, C_out, H_out*W_out]
    if bias is not None:
        out = out + bias.reshape(1, c_out, 1)
    return out.reshape(n, c_out, h_out, w_out)
