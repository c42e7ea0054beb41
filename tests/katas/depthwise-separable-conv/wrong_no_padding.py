# expect: you ignored padding
"""Forgets to pad the input."""
import torch


def depthwise_separable_conv(x, depthwise_weight, pointwise_weight, stride=1, padding=0):
    k = depthwise_weight.shape[-1]
    win = x.unfold(2, k, stride).unfold(3, k, stride)
    d = torch.einsum("nchwab,cab->nchw", win, depthwise_weight[:, 0])
    return torch.einsum("nchw,oc->nohw", d, pointwise_weight[:, :, 0, 0])
