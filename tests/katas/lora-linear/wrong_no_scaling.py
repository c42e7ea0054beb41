# expect: you did not scale it
"""Adds B A x without the alpha / r factor."""
import torch.nn.functional as F


def lora_linear(x, weight, bias, lora_A, lora_B, alpha, use_rslora=False):
    return F.linear(x, weight, bias) + F.linear(F.linear(x, lora_A), lora_B)
