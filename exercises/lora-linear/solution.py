import math

import torch.nn.functional as F
from torch import Tensor


def lora_linear(x: Tensor, weight: Tensor, bias: Tensor | None, lora_A: Tensor,
                lora_B: Tensor, alpha: float, use_rslora: bool = False) -> Tensor:
    """Linear layer with a LoRA adapter: x W^T + b + s (x A^T) B^T."""
    r = lora_A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    base = F.linear(x, weight, bias)  # the frozen layer
    # Down to rank r, then back up: never builds the d_out x d_in update B A.
    return base + scaling * F.linear(F.linear(x, lora_A), lora_B)
