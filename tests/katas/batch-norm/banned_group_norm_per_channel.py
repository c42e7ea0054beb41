# expect: banned operation
"""Batch statistics through group norm: with the batch moved behind the channels and one
group per channel, group norm normalises each channel over the batch (another norm layer
bent into this one)."""
import torch
import torch.nn.functional as F


def batch_norm(x, weight, bias, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    if not training:
        x_hat = (x - running_mean.view(shape)) * torch.rsqrt(running_var.view(shape) + eps)
        return x_hat * weight.view(shape) + bias.view(shape)
    c = x.shape[1]
    moved = x.transpose(0, 1).reshape(1, c, -1)
    y = F.group_norm(moved, c, weight, bias, eps)
    with torch.no_grad():
        n = x.numel() // c
        running_mean.mul_(1 - momentum).add_(momentum * x.mean(dims))
        running_var.mul_(1 - momentum).add_(momentum * x.var(dims) * 1.0)
        del n
    return y.reshape(c, x.shape[0], *x.shape[2:]).transpose(0, 1).contiguous()
