"""Checker for `numerical-gradient`: central differences, one coordinate at a time.

The function `f` is one of the scalar functions below, named by the case (`args["f"]` is
its name, a string, so that the case travels to the sandbox); `drive` passes the function
itself. The reference is the same central-difference formula in float64, so the result is
compared to ~1e-8, tightly enough to tell it from the forward difference and from the
true gradient.
"""

import torch

from study.kata.presets import BACKWARD_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, randn, sibling

_drive = sibling(__file__, "drive")  # the model and helpers the sandbox uses too
FUNCS = _drive.FUNCS

BAN = Ban(
    functions=("torch.autograd.gradcheck.get_numerical_jacobian",
               "torch.autograd.gradcheck._get_numerical_jacobian"),
    modules=("torch.autograd.gradcheck", "torch.autograd.functional", "torch.func",
             "torch._functorch"),
    autograd=True,
    families=(BACKWARD_FAMILY,),
    reason="the point of the kata is to estimate the gradient without autograd",
)


_TOL = Tol(atol=1e-8, rtol=1e-8)


def _case(name, f, x, eps=1e-3):
    return Case(name, {"f": f, "x": x.double(), "eps": eps}, tol=_TOL)


def cases():
    yield _case("sum of squares, x [5]", "sum_squares", randn(5, seed=1))
    yield _case("sin(x)·Σx + Σx³, x [3, 4]", "sin_prod", randn(3, 4, seed=2))
    yield _case("logsumexp, x [7]", "logsumexp", randn(7, seed=3, scale=2.0))
    yield _case("MLP loss, x [4, 3] (batch of 4)", "mlp_loss", randn(4, 3, seed=4))
    yield _case("x₀·x₋₁³ + Σeˣ, x [2, 3, 2]", "cubic", randn(2, 3, 2, seed=5, scale=0.7))
    yield _case("one element, x [1]", "cubic", randn(1, seed=6))
    yield _case("0-dim x", "scalar", randn(1, seed=7).reshape(()))
    yield _case("eps = 1e-2, sin(x)·Σx + Σx³, x [9]", "sin_prod", randn(9, seed=8), eps=1e-2)
    yield _case("eps = 1e-5, MLP loss, x [1, 3]", "mlp_loss", randn(1, 3, seed=9), eps=1e-5)


def _central(f, x, eps, scheme="central"):
    xf = x.clone().reshape(-1)
    g = torch.zeros_like(xf)
    f0 = f(x)
    for i in range(xf.numel()):
        old = float(xf[i])
        xf[i] = old + eps
        fp = f(xf.reshape(x.shape))
        xf[i] = old - eps
        fm = f(xf.reshape(x.shape))
        xf[i] = old
        if scheme == "central":
            g[i] = (fp - fm) / (2 * eps)
        elif scheme == "forward":
            g[i] = (fp - f0) / eps
        elif scheme == "backward":
            g[i] = (f0 - fm) / eps
        elif scheme == "no_half":
            g[i] = (fp - fm) / eps
    return g.reshape(x.shape)


def reference(case):
    a = case.args
    return _central(FUNCS[a["f"]], a["x"], a["eps"])


def _scheme(scheme):
    return lambda case: _central(FUNCS[case.args["f"]], case.args["x"], case.args["eps"], scheme)


def _all_at_once(case):  # every coordinate perturbed together: a directional derivative
    a = case.args
    f, x, eps = FUNCS[a["f"]], a["x"], a["eps"]
    d = (f(x + eps) - f(x - eps)) / (2 * eps)
    if x.numel() == 1:
        raise ValueError("same as the right answer with one element")
    return torch.full_like(x, float(d))


def _true_grad(case):
    a = case.args
    x = a["x"].clone().requires_grad_(True)
    (g,) = torch.autograd.grad(FUNCS[a["f"]](x), x)
    return g


VARIANTS = [
    Variant("you used the forward difference (f(x + eps·e_i) − f(x))/eps: use the central "
            "difference (f(x + eps·e_i) − f(x − eps·e_i))/(2·eps), accurate to O(eps²)",
            _scheme("forward")),
    Variant("you used the backward difference (f(x) − f(x − eps·e_i))/eps: use the central "
            "difference (f(x + eps·e_i) − f(x − eps·e_i))/(2·eps)", _scheme("backward")),
    Variant("the step between x + eps·e_i and x − eps·e_i is 2·eps: divide by 2·eps, not eps",
            _scheme("no_half")),
    Variant("you perturbed every coordinate at once (x + eps): that is the derivative along "
            "(1, 1, ..., 1), the same number for every entry; perturb one coordinate at a "
            "time, x + eps·e_i", _all_at_once),
    Variant("this is the exact gradient (autograd?), not the central difference with step eps",
            _true_grad),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.dtype != torch.float64:
        return ("keep float64: x is float64 and the differences f(x + eps) − f(x − eps) lose "
                "most of their digits in float32")
    return None
