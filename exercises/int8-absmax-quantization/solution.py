import torch
from torch import Tensor


def int8_absmax_quantize(x: Tensor, dim: int | None = None) -> tuple[Tensor, Tensor]:
    """Symmetric int8 quantization: scale = max|x| / 127, q = clamp(round(x / scale), ±127)."""
    absmax = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    scale = absmax / 127.0
    scale = torch.where(absmax == 0, torch.ones_like(scale), scale)  # all-zero slices
    q = torch.round(x / scale).clamp(-127, 127).to(torch.int8)
    return q, scale
