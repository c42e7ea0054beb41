"""Checker for `rmsnorm`."""

import torch

from study.kata.presets import RMS_NORM_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, randn

BAN = Ban(
    functions=("torch.nn.functional.rms_norm", "torch.rms_norm", "torch._fused_rms_norm",
               "torch.nn.RMSNorm"),
    aten=("aten::rms_norm", "aten::_fused_rms_norm"),
    # Python copies of the same op elsewhere in torch (reference implementations).
    modules=("torch._refs", "torch._decomp"),
    families=(RMS_NORM_FAMILY,),
    reason="RMSNorm is what this kata asks you to write; build it from mean, pow and rsqrt",
)


def _tol(x: torch.Tensor, weight: torch.Tensor, eps: float) -> Tol:
    """float32 error of x·rsqrt(mean(x²) + eps)·w, outputs and gradients alike."""
    x64 = x.double()
    rms = (x64.pow(2).mean(dim=-1, keepdim=True) + eps).sqrt()
    rows = max(1, x.numel() // x.shape[-1])
    scale = (1.0 + float((x64.abs() / rms).max())) * max(1.0, float(weight.abs().max()))
    scale *= max(1.0, float(1.0 / rms.min())) * rows ** 0.5  # gradients: 1/rms, row sums
    return Tol(atol=1e-6 + 3e-7 * scale, rtol=2e-5)


def _case(name, x, weight, eps=1e-6):
    return Case(name, {"x": x, "weight": weight, "eps": eps}, tol=_tol(x, weight, eps),
                grad=("x", "weight"))


@also_in(torch.float64)
def cases():
    shapes = [(13,), (1, 7), (4, 10), (2, 3, 5), (3, 1, 33), (2, 5, 64), (5, 24)]
    for i, shape in enumerate(shapes):
        x = randn(*shape, seed=10 + i, scale=2.0, mean=0.3)
        w = randn(shape[-1], seed=100 + i, scale=0.5, mean=1.0)
        yield _case(f"random {list(shape)}", x, w)
    yield _case("D = 1 (every entry becomes ±weight)", randn(4, 1, seed=1, scale=3.0),
                randn(1, seed=201, mean=1.0))
    yield _case("inputs with mean 20 (RMSNorm does not centre)",
                randn(6, 32, seed=2) + 20.0, randn(32, seed=202, scale=0.5, mean=1.0))
    yield _case("tiny inputs (|x| ~ 1e-3, eps matters)", randn(3, 16, seed=3, scale=1e-3),
                randn(16, seed=203, scale=0.5, mean=1.0))
    yield _case("large inputs (|x| ~ 1e3)", randn(2, 4, 48, seed=4, scale=1e3),
                randn(48, seed=204, scale=0.5, mean=1.0))
    yield _case("eps = 0.1 (it goes inside the square root)", randn(5, 17, seed=5, scale=0.4),
                randn(17, seed=205, scale=0.5, mean=1.0), eps=0.1)


def reference(case):
    a = case.args
    x, weight, eps = a["x"], a["weight"], a["eps"]
    return x / torch.sqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps) * weight


def _norm(case, ms=None, denom=None, w=None, dims=(-1,)):
    a = case.args
    x, weight, eps = a["x"], a["weight"], a["eps"]
    ms = x.pow(2).mean(dim=dims, keepdim=True) if ms is None else ms
    denom = torch.sqrt(ms + eps) if denom is None else denom
    return x / denom * (weight if w is None else w)


def _centred(case):
    a = case.args
    xc = a["x"] - a["x"].mean(dim=-1, keepdim=True)
    return xc / torch.sqrt(xc.pow(2).mean(dim=-1, keepdim=True) + a["eps"]) * a["weight"]


def _mean_square(case):
    return case.args["x"].pow(2).mean(-1, keepdim=True)


VARIANTS = [
    Variant("you subtracted the mean (that is layer norm): RMSNorm divides x itself by "
            "sqrt(mean(x²) + eps), with no centring", _centred),
    Variant("eps goes inside the square root: x / sqrt(mean(x²) + eps), not "
            "x / (sqrt(mean(x²)) + eps)",
            lambda c: _norm(c, denom=_mean_square(c).sqrt() + c.args["eps"])),
    Variant("you summed the squares: RMSNorm uses their mean, mean(x², -1) = sum / D",
            lambda c: _norm(c, ms=c.args["x"].pow(2).sum(-1, keepdim=True))),
    Variant("you divided by the mean square, not by its square root (the RMS)",
            lambda c: _norm(c, denom=_mean_square(c) + c.args["eps"])),
    Variant("you scaled by (1 + weight) (Gemma's convention); this kata multiplies by weight "
            "itself", lambda c: _norm(c, w=1 + c.args["weight"])),
    Variant("the result must be scaled by weight: x / rms · weight",
            lambda c: _norm(c, w=torch.ones_like(c.args["weight"]))),
    Variant("you normalised over the whole tensor: RMSNorm normalises each vector over the "
            "last dimension only (dim=-1, keepdim=True)",
            lambda c: _norm(c, dims=tuple(range(c.args["x"].dim())))),
    Variant("you normalised over the first dimension: RMSNorm normalises over the last "
            "dimension, dim=-1", lambda c: _norm(c, dims=(0,))),
]


def diagnose(case, got, want):
    out = got.get("out")
    if not isinstance(out, torch.Tensor) or out.shape != want["out"].shape:
        return None
    if not torch.isfinite(out).all():
        return "the result is not finite: add eps inside the square root"
    if "grad.x" in want and isinstance(got.get("grad.x"), torch.Tensor):
        err = float((out.double() - want["out"]).abs().max())
        if err <= case.tol.atol * 10 and got.get("grad.x") is not None:
            return ("the values are right but a gradient is not: keep every step a "
                    "differentiable torch op (no .detach(), .item() or in-place tricks)")
    return None
