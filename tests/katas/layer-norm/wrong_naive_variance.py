# expect: E[x²] − E[x]² subtracts two nearly equal numbers
"""The one-pass textbook variance E[x²] - E[x]²: catastrophic cancellation when the mean is large."""
import torch


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = (x * x).mean(dim=-1, keepdim=True) - mean * mean
    return (x - mean) * torch.rsqrt(var + eps) * weight + bias
