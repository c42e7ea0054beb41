# expect: use_rslora was ignored
"""Always scales by alpha / r, even when use_rslora asks for alpha / sqrt(r)."""
import torch.nn.functional as F


def lora_linear(x, weight, bias, lora_A, lora_B, alpha, use_rslora=False):
    s = alpha / lora_A.shape[0]
    return F.linear(x, weight, bias) + s * F.linear(F.linear(x, lora_A), lora_B)
