# expect: you used the forward difference
"""Uses the one-sided forward difference (f(x + eps·e_i) − f(x)) / eps."""
import torch


def numerical_gradient(f, x, eps=1e-3):
    xf = x.clone().reshape(-1)
    g = torch.zeros_like(xf)
    f0 = f(x)
    for i in range(xf.numel()):
        old = xf[i].item()
        xf[i] = old + eps
        g[i] = (f(xf.reshape(x.shape)) - f0) / eps
        xf[i] = old
    return g.reshape(x.shape)
