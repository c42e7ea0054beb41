# expect: you used the unbiased variance (divide by D−1)
"""torch.var defaults to the unbiased estimator (divide by D-1); layer norm divides by D."""
import torch


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
