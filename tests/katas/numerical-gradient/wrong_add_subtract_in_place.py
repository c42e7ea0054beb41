# expect: modified its input 'x' in place
"""Perturbs x itself and "restores" it by adding eps back: x + eps − 2eps + eps is not
always x in floating point, so the caller's tensor changes in its last bits."""
import torch


def numerical_gradient(f, x, eps=1e-3):
    flat = x.view(-1)
    g = torch.zeros_like(flat)
    for i in range(flat.numel()):
        flat[i] += eps
        fp = f(x)
        flat[i] -= 2 * eps
        fm = f(x)
        flat[i] += eps
        g[i] = (fp - fm) / (2 * eps)
    return g.reshape(x.shape)
