# expect: banned operation
"""Borrows gradcheck's own numerical Jacobian."""
import importlib

_gc = importlib.import_module("torch.autograd." + "gradcheck")


def numerical_gradient(f, x, eps=1e-3):
    (jac,) = _gc._get_numerical_jacobian(lambda t: f(t).reshape(1), (x,), eps=eps)
    return jac[0].reshape(x.shape).to(x.dtype)
