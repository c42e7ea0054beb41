# expect: treats the mean and the variance as constants
"""Computes the statistics under no_grad "because they are just statistics": wrong gradients."""
import torch


def layer_norm(x, weight, bias, eps=1e-5):
    with torch.no_grad():
        mean = x.mean(dim=-1, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
