# expect: divide by 2·eps, not eps
"""Central difference divided by eps instead of 2·eps."""
import torch


def numerical_gradient(f, x, eps=1e-3):
    xf = x.clone().reshape(-1)
    g = torch.zeros_like(xf)
    for i in range(xf.numel()):
        old = xf[i].item()
        xf[i] = old + eps
        fp = f(xf.reshape(x.shape))
        xf[i] = old - eps
        fm = f(xf.reshape(x.shape))
        xf[i] = old
        g[i] = (fp - fm) / eps
    return g.reshape(x.shape)
