# expect: the scaling is alpha / r; you used r / alpha
"""Inverts the LoRA scaling factor."""
import torch.nn.functional as F


def lora_linear(x, weight, bias, lora_A, lora_B, alpha, use_rslora=False):
    r = lora_A.shape[0]
    s = (r ** 0.5 if use_rslora else r) / alpha
    return F.linear(x, weight, bias) + s * F.linear(F.linear(x, lora_A), lora_B)
