# expect: modified its input 'weight' in place
"""Merges the adapter into the frozen weight in place (W += s·B A) before the matmul."""
import torch
import torch.nn.functional as F


def lora_linear(x, weight, bias, lora_A, lora_B, alpha, use_rslora=False):
    r = lora_A.shape[0]
    s = alpha / (r ** 0.5 if use_rslora else r)
    with torch.no_grad():
        weight += s * (lora_B @ lora_A)
    return F.linear(x, weight, bias)
