# expect: keep float64
"""Casts to float32 "for speed": the differences lose most of their digits."""
import torch


def numerical_gradient(f, x, eps=1e-3):
    xf = x.float().clone().reshape(-1)
    g = torch.zeros_like(xf)
    for i in range(xf.numel()):
        old = xf[i].item()
        xf[i] = old + eps
        fp = f(xf.reshape(x.shape).double())
        xf[i] = old - eps
        fm = f(xf.reshape(x.shape).double())
        xf[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g.reshape(x.shape)
