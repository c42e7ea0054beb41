import torch
from torch import Tensor


def int8_absmax_quantize(x: Tensor, dim: int | None = None) -> tuple[Tensor, Tensor]:
    """Symmetric int8 quantization: scale = max|x| / 127, q = clamp(round(x / scale), ±127).

    dim=None: one 0-dim scale; otherwise one scale per slice along `dim` (keepdim).
    Returns (q as torch.int8 shaped like x, scale in x's dtype).
    """
    raise NotImplementedError
