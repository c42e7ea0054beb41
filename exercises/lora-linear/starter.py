import torch
from torch import Tensor


def lora_linear(x: Tensor, weight: Tensor, bias: Tensor | None, lora_A: Tensor,
                lora_B: Tensor, alpha: float, use_rslora: bool = False) -> Tensor:
    """Linear layer with a LoRA adapter: x W^T + b + s (x A^T) B^T.

    x: [..., d_in]; weight: [d_out, d_in]; bias: [d_out] or None; lora_A: [r, d_in];
    lora_B: [d_out, r]. s = alpha / r, or alpha / sqrt(r) with use_rslora.
    Returns [..., d_out] with the dtype and device of x.
    """
    raise NotImplementedError
