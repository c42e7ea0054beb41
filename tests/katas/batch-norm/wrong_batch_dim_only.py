# expect: you reduced over the batch dimension only
"""Copies the [N, C] formula: statistics over dim 0 only, one per (channel, position)."""
import torch


def batch_norm(x, weight, bias, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    c = x.shape[1]
    shape = [1, -1] + [1] * (x.dim() - 2)
    if training:
        mean = x.mean(dim=0, keepdim=True)
        var = x.var(dim=0, unbiased=False, keepdim=True)
        flat = x.transpose(0, 1).reshape(c, -1)
        running_mean.mul_(1 - momentum).add_(momentum * flat.mean(1))
        running_var.mul_(1 - momentum).add_(momentum * flat.var(1))
    else:
        mean, var = running_mean.view(shape), running_var.view(shape)
    x_hat = (x - mean) / torch.sqrt(var + eps)
    return x_hat * weight.view(shape) + bias.view(shape)
