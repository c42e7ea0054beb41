"""Checker for `mlp-backward`."""

import torch

from study.kata.presets import BACKWARD_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, randn

BAN = Ban(
    functions=("torch.Tensor.backward", "torch.autograd.grad", "torch.autograd.backward",
               "torch._make_dual", "torch._unpack_dual"),
    aten=("aten::_make_dual", "aten::_unpack_dual"),
    modules=("torch.autograd.functional", "torch.func", "torch._functorch",
             "torch.autograd.forward_ad"),
    autograd=True,
    families=(BACKWARD_FAMILY,),
    reason="the backward pass is what this kata asks you to write: apply the chain rule "
           "by hand with matrix products",
)

_PARAMS = ("w1", "b1", "w2", "b2")


def _case(name, n, d, h, k, seed, dead_unit=True, zero_row=False):
    x = randn(n, d, seed=seed)
    w1 = randn(d, h, seed=seed + 1, scale=0.6)
    b1 = randn(h, seed=seed + 2, scale=0.5)
    if dead_unit and h > 1:
        # hidden unit 0 gets exactly 0 from every row: pre[:, 0] == 0, relu'(0) = 0
        w1[:, 0] = 0.0
        b1[0] = 0.0
    if zero_row:
        # an all-zero input row: pre[0, j] == b1[j], exactly 0 where b1 is 0
        x[0] = 0.0
        b1[1::2] = 0.0
    args = {
        "x": x,
        "y": randn(n, k, seed=seed + 3),
        "w1": w1,
        "b1": b1,
        "w2": randn(h, k, seed=seed + 4, scale=0.6),
        "b2": randn(k, seed=seed + 5, scale=0.5),
    }
    # float32 products over N, D, H terms: relative error about 1e-7·sqrt(terms)
    return Case(name, args, tol=Tol(atol=2e-6, rtol=2e-5))


@also_in(torch.float64)
def cases():
    yield _case("all sizes 1", 1, 1, 1, 1, 10)
    yield _case("N=4, D=3, H=5, K=2", 4, 3, 5, 2, 20)
    yield _case("one output (K=1), N=5, D=6, H=6", 5, 6, 6, 1, 30)
    yield _case("square: D = H = K = 5, N=7", 7, 5, 5, 5, 40)
    yield _case("an all-zero input row, N=6, D=4, H=5, K=3", 6, 4, 5, 3, 50, zero_row=True)
    yield _case("N=16, D=10, H=32, K=3", 16, 10, 32, 3, 60)
    yield _case("N=33, D=17, H=9, K=4", 33, 17, 9, 4, 70, zero_row=True)
    yield _case("one row, N=1, D=8, H=4, K=6", 1, 8, 4, 6, 80)
    yield _case("no dead unit, N=3, D=2, H=7, K=2", 3, 2, 7, 2, 90, dead_unit=False)


def reference(case):
    # the judge's float64 reference: autograd on the same forward pass
    a = case.args
    params = {p: a[p].detach().clone().requires_grad_(True) for p in _PARAMS}
    with torch.enable_grad():
        h = torch.relu(a["x"] @ params["w1"] + params["b1"])  # relu backward: 0 at 0
        y_hat = h @ params["w2"] + params["b2"]
        loss = ((y_hat - a["y"]) ** 2).mean()
        grads = torch.autograd.grad(loss, [params[p] for p in _PARAMS])
    return {"loss": loss.detach(), **{p: g for p, g in zip(_PARAMS, grads, strict=True)}}


# --- known wrong answers, computed by hand in float64 -----------------------------------

def _manual(case, relu_grad_at_zero=0.0, factor=None, w2_no_t=False, w1_t=False,
            w2_t=False, bias_mean=False, no_mask=False):
    a = case.args
    x, y, w1, b1, w2, b2 = (a[k] for k in ("x", "y", "w1", "b1", "w2", "b2"))
    n, k = y.shape
    pre = x @ w1 + b1
    h = pre.clamp_min(0)
    diff = h @ w2 + b2 - y
    d_y_hat = diff * (2.0 / (n * k) if factor is None else factor(n, k))
    d_w2 = d_y_hat.T @ h if w2_t else h.T @ d_y_hat
    d_b2 = d_y_hat.sum(0) / (n if bias_mean else 1)
    d_h = d_y_hat @ w2 if w2_no_t else d_y_hat @ w2.T
    mask = (pre > 0).double() + relu_grad_at_zero * (pre == 0).double()
    d_pre = d_h if no_mask else d_h * mask
    d_w1 = d_pre.T @ x if w1_t else x.T @ d_pre
    d_b1 = d_pre.sum(0) / (n if bias_mean else 1)
    return {"loss": (diff ** 2).mean(), "w1": d_w1, "b1": d_b1, "w2": d_w2, "b2": d_b2}


def _variant(keys, **kw):
    """Outputs `keys` of a wrong backward pass; only where they differ from the right one
    (the judge matches a variant on its keys alone)."""
    def compute(case):
        wrong = _manual(case, **kw)
        right = _manual(case)
        tol = case.tol
        names = [k.removeprefix("out.") for k in keys]
        if all(wrong[k].shape == right[k].shape and bool(
                ((wrong[k] - right[k]).abs() <= tol.atol + tol.rtol * right[k].abs()).all())
               for k in names):
            raise ValueError("the same as the right answer here")
        return wrong
    return compute


def _loss_variant(scale):
    def compute(case):
        n, k = case.args["y"].shape
        s = scale(n, k)
        if s == 1:
            raise ValueError("the same as the right answer here")
        return {"loss": _manual(case)["loss"] * s}
    return compute


_ALL = tuple(f"out.{p}" for p in _PARAMS)

VARIANTS = [
    Variant("ReLU's derivative at 0 is 0: mask the gradient with (pre > 0), not (pre >= 0) "
            "(some pre-activations here are exactly 0)",
            _variant(("out.w1", "out.b1"), relu_grad_at_zero=1.0), keys=("out.w1", "out.b1")),
    Variant("you dropped the factor 2: d/dŷ mean((ŷ − y)²) = 2(ŷ − y)/(N·K)",
            _variant(_ALL, factor=lambda n, k: 1.0 / (n * k)), keys=_ALL),
    Variant("the mean runs over all N·K elements: divide by N·K, not by N",
            _variant(_ALL, factor=lambda n, k: 2.0 / n), keys=_ALL),
    Variant("you differentiated the sum of squares, not the mean: divide by N·K",
            _variant(_ALL, factor=lambda n, k: 2.0), keys=_ALL),
    Variant("the loss is the mean of (ŷ − y)² over all N·K elements, not their sum",
            _loss_variant(lambda n, k: n * k), keys=("out.loss",)),
    Variant("the loss is the mean of (ŷ − y)² over all N·K elements (you averaged over "
            "the rows only)", _loss_variant(lambda n, k: k), keys=("out.loss",)),
    Variant("a bias gradient sums over the batch (every row adds its share): you averaged "
            "it", _variant(("out.b1", "out.b2"), bias_mean=True), keys=("out.b1", "out.b2")),
    Variant("backprop through ReLU multiplies by its derivative 1[pre > 0]: you passed the "
            "gradient through unchanged",
            _variant(("out.w1", "out.b1"), no_mask=True), keys=("out.w1", "out.b1")),
    Variant("dL/dh = dL/dŷ · w2ᵀ: you multiplied by w2 without transposing it",
            _variant(("out.w1", "out.b1"), w2_no_t=True), keys=("out.w1", "out.b1")),
    Variant("dL/dw1 = xᵀ · dL/dpre (shape [D, H]): you computed its transpose",
            _variant(("out.w1",), w1_t=True), keys=("out.w1",)),
    Variant("dL/dw2 = hᵀ · dL/dŷ (shape [H, K]): you computed its transpose",
            _variant(("out.w2",), w2_t=True), keys=("out.w2",)),
]


def diagnose(case, got, want):
    missing = [p for p in ("loss",) + _PARAMS if f"out.{p}" not in got]
    if missing:
        return ('return a dict with the keys "loss", "w1", "b1", "w2" and "b2" (missing: '
                + ", ".join(repr(m) for m in missing) + ")")
    for p in _PARAMS:
        g, w = got.get(f"out.{p}"), want[f"out.{p}"]
        if isinstance(g, torch.Tensor) and g.shape != w.shape:
            if g.shape == w.shape[::-1]:
                return (f"the gradient for {p} must have {p}'s shape {list(w.shape)}; you "
                        f"returned its transpose")
            return f"the gradient for {p} must have {p}'s shape {list(w.shape)}"
    if not all(isinstance(got[f"out.{p}"], torch.Tensor) for p in _PARAMS):
        return None
    # every gradient off by one common factor: the scale of dL/dŷ is wrong
    g = torch.cat([got[f"out.{p}"].double().reshape(-1) for p in _PARAMS])
    w = torch.cat([want[f"out.{p}"].reshape(-1) for p in _PARAMS])
    if float(w.norm()) > 0:
        r = float(g @ w / (w @ w))
        if abs(r - 1) > 1e-3 and float((g - r * w).norm()) <= 1e-3 * float((r * w).norm()):
            return (f"every gradient is {r:.4g} times the right one: check the scale of "
                    f"dL/dŷ = 2(ŷ − y)/(N·K)")
    return None
