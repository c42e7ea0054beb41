# expect: has dtype torch.float32, expected torch.float64
"""Casts the result to float32 (e.g. a hard-coded dtype): the output must keep x's dtype."""
import math

import torch.nn.functional as F


def lora_linear(x, weight, bias, lora_A, lora_B, alpha, use_rslora=False):
    r = lora_A.shape[0]
    s = alpha / math.sqrt(r) if use_rslora else alpha / r
    return (F.linear(x, weight, bias) + s * F.linear(F.linear(x, lora_A), lora_B)).float()
