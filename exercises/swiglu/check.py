"""Checker for `swiglu`."""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, randn


def _tol(x, w_gate, w_up, w_down) -> Tol:
    """float32 error of two matmuls, a product and a third matmul, outputs and gradients."""
    d, h = w_gate.shape
    g = (x.double() @ w_gate.double()).abs().max()
    u = (x.double() @ w_up.double()).abs().max()
    mag = float(max(1.0, float(x.abs().max())) * max(1.0, float(g)) * max(1.0, float(u))
                * max(1.0, float(w_down.abs().max())))
    rows = max(1, x.numel() // d)
    return Tol(atol=1e-6 + 2e-7 * mag * (d + h) ** 0.5 * rows ** 0.5, rtol=3e-5)


def _case(name, x, d, h, seed, wscale=None):
    ws = d ** -0.5 if wscale is None else wscale
    w_gate = randn(d, h, seed=seed, scale=ws)
    w_up = randn(d, h, seed=seed + 1, scale=ws)
    w_down = randn(h, d, seed=seed + 2, scale=h ** -0.5)
    return Case(name, {"x": x, "w_gate": w_gate, "w_up": w_up, "w_down": w_down},
                tol=_tol(x, w_gate, w_up, w_down), grad=("x", "w_gate", "w_up", "w_down"))


@also_in(torch.float64)
def cases():
    shapes = [((1, 1), 1, 1), ((5, 4), 4, 7), ((2, 3, 8), 8, 16), ((3, 1, 6), 6, 6),
              ((2, 5, 12), 12, 20), ((7, 9), 9, 13), ((4, 16), 16, 16)]
    for i, (shape, d, h) in enumerate(shapes):
        x = randn(*shape, seed=10 + i, scale=1.5)
        yield _case(f"random x{list(shape)}, H={h}", x, d, h, seed=100 + 3 * i)
    x = randn(2, 3, 4, seed=30, scale=20.0)
    yield _case("large pre-activations (up to about ±100)", x, 4, 5, seed=200, wscale=1.5)
    x = randn(6, 3, seed=31, scale=0.01)
    yield _case("tiny inputs (SiLU near 0 is z/2)", x, 3, 8, seed=210)


def reference(case):
    a = case.args
    z = a["x"] @ a["w_gate"]
    return (z * torch.sigmoid(z) * (a["x"] @ a["w_up"])) @ a["w_down"]


def _ffn(act, gate="w_gate", up="w_up", transpose=False):
    def compute(case):
        a = case.args
        x = a["x"]
        wg, wu, wd = a[gate], a[up], a["w_down"]
        if transpose:
            wg, wu, wd = wg.T, wu.T, wd.T
        return (act(x @ wg) * (x @ wu)) @ wd
    return compute


def _silu(z):
    return z * torch.sigmoid(z)


def _gate_only(case):
    a = case.args
    return _silu(a["x"] @ a["w_gate"]) @ a["w_down"]


VARIANTS = [
    Variant("SiLU goes on the gate projection x @ w_gate; you applied it to x @ w_up",
            _ffn(_silu, gate="w_up", up="w_gate")),
    Variant("you used sigmoid(z) (plain GLU); SwiGLU gates with SiLU(z) = z·sigmoid(z)",
            _ffn(torch.sigmoid)),
    Variant("you used GELU (GeGLU); SwiGLU gates with SiLU(z) = z·sigmoid(z)",
            _ffn(torch.nn.functional.gelu)),
    Variant("you used ReLU (ReGLU); SwiGLU gates with SiLU(z) = z·sigmoid(z)",
            _ffn(torch.relu)),
    Variant("the gate must multiply the up projection: SiLU(x @ w_gate) * (x @ w_up), "
            "not SiLU(x @ w_gate) alone", _gate_only),
    Variant("weights are stored [in, out]: use x @ w, not x @ w.T",
            _ffn(_silu, transpose=True)),
]


def diagnose(case, got, want):
    bad = [k for k, g in got.items() if isinstance(g, torch.Tensor) and k in want
           and g.shape == want[k].shape and g.is_floating_point() and not torch.isfinite(g).all()]
    if bad:
        return ("the result is not finite: compute SiLU as z * torch.sigmoid(z) (or F.silu); "
                "exp(-z) overflows for very negative z in a hand-written form")
    return None
