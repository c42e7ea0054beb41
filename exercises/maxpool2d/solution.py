import torch.nn.functional as F
from torch import Tensor


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None,
               padding: int = 0) -> Tensor:
    """Max pooling over k x k windows of [N, C, H, W], padding with -inf."""
    k = kernel_size
    s = k if stride is None else stride
    if padding:
        # -inf, not 0: a padded position must never win the max.
        x = F.pad(x, (padding, padding, padding, padding), value=float("-inf"))
    windows = x.unfold(2, k, s).unfold(3, k, s)  # [N, C, H_out, W_out, k, k], a view
    return windows.amax(dim=(-2, -1))
