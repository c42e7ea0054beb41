# expect: you normalised over the whole tensor
"""Forgets the dimension: one mean and one variance for the whole tensor."""
import torch


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean()
    var = ((x - mean) ** 2).mean()
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
