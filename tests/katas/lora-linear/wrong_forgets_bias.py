# expect: you left out the bias of the frozen layer
"""Drops the frozen layer's bias."""


def lora_linear(x, weight, bias, lora_A, lora_B, alpha, use_rslora=False):
    r = lora_A.shape[0]
    s = alpha / (r ** 0.5 if use_rslora else r)
    return x @ weight.T + s * (x @ lora_A.T) @ lora_B.T
