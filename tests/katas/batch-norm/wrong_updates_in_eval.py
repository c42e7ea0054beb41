# expect: the running statistics must be left unchanged
"""Updates the running stats on every call, also in eval mode."""
import torch


def batch_norm(x, weight, bias, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    batch_mean = x.mean(dim=dims)
    batch_var = x.var(dim=dims, unbiased=False)
    if training:
        mean, var = batch_mean, batch_var
    else:
        mean, var = running_mean.clone(), running_var.clone()
    n = x.numel() // x.shape[1]
    if n > 1:
        running_mean.mul_(1 - momentum).add_(momentum * batch_mean)
        running_var.mul_(1 - momentum).add_(momentum * batch_var * n / (n - 1))
    x_hat = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps)
    return x_hat * weight.view(shape) + bias.view(shape)
