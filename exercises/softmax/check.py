"""Checker for `softmax`."""

import torch

from study.kata.presets import SOFTMAX_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, randn

BAN = Ban(
    functions=("torch.softmax", "torch.nn.functional.softmax", "torch.Tensor.softmax",
               "torch.log_softmax", "torch.nn.functional.log_softmax", "torch.Tensor.log_softmax",
               "torch.special.softmax", "torch.special.log_softmax", "torch._softmax",
               "torch._log_softmax", "torch.nn.functional.softmin"),
    families=(SOFTMAX_FAMILY,),
    reason="softmax is what this kata asks you to write; build it from exp, max and sum",
)


def _tol(x: torch.Tensor) -> Tol:
    # exp(x - max) loses about 6e-8 * |x| relative accuracy in float32.
    m = float(x[torch.isfinite(x)].abs().max()) if torch.isfinite(x).any() else 1.0
    return Tol(atol=1e-6 + 1e-7 * m, rtol=2e-6 + 1e-7 * m)


@also_in(torch.float64)
def cases():
    shapes = [((1,), -1), ((7,), 0), ((4, 10), -1), ((4, 10), 0), ((2, 3, 5), 1),
              ((3, 1, 6), -1), ((2, 33, 17), -2)]
    for i, (shape, dim) in enumerate(shapes):
        x = randn(*shape, seed=10 + i, scale=3.0)
        yield Case(f"random {list(shape)}, dim={dim}", {"x": x, "dim": dim}, tol=_tol(x))
    big = randn(4, 9, seed=1, scale=1e4).clamp(-1e4, 1e4)
    yield Case("large logits (±1e4)", {"x": big, "dim": -1}, tol=_tol(big))
    shifted = randn(3, 8, seed=2) + 5000.0
    yield Case("all logits near 5000", {"x": shifted, "dim": -1}, tol=_tol(shifted))
    masked = randn(3, 6, seed=3)
    masked[0, 2] = float("-inf")
    masked[1, :5] = float("-inf")
    masked[2, 0] = float("-inf")
    yield Case("-inf entries (masked positions)", {"x": masked, "dim": -1}, tol=_tol(masked))
    neg = randn(5, 4, seed=4) - 3000.0
    yield Case("all logits near -3000", {"x": neg, "dim": 1}, tol=_tol(neg))
    # Slices at very different levels: only a max taken per slice (along `dim`) keeps each
    # one finite and exact; the max of the whole tensor or along another dim leaves the
    # low slices at exp(-1800) = 0 (0/0) or, 100 below, in float32's subnormals (wrong).
    rows = randn(4, 7, seed=5, scale=2.0) + torch.tensor([[900.0], [-900.0], [0.0], [400.0]])
    yield Case("rows at levels +900, -900, 0, +400, dim=-1", {"x": rows, "dim": -1},
               tol=_tol(rows), extra={"levels": True})
    cols = randn(5, 3, seed=6, scale=2.0) + torch.tensor([[-700.0, 0.0, 700.0]])
    yield Case("columns at levels -700, 0, +700, dim=0", {"x": cols, "dim": 0}, tol=_tol(cols),
               extra={"levels": True})
    near = randn(2, 3, 8, seed=7) + torch.tensor([0.0, -100.0]).view(2, 1, 1)
    yield Case("two slices 100 apart (no overflow, but exp(-100) is subnormal), dim=-1",
               {"x": near, "dim": -1}, tol=_tol(near), extra={"levels": True})
    # "any float dtype": half precision keeps about 3 significant digits (bfloat16 2).
    half = randn(4, 10, seed=8, scale=3.0)
    yield Case("random [4, 10] in float16", {"x": half.half(), "dim": -1},
               tol=Tol(atol=2e-3, rtol=1e-2))
    yield Case("random [4, 10] in bfloat16", {"x": half.bfloat16(), "dim": -1},
               tol=Tol(atol=1e-2, rtol=6e-2))


def reference(case):
    x, dim = case.args["x"], case.args["dim"]
    shifted = x - x.amax(dim=dim, keepdim=True)
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)


def _wrong_dim(case):
    x, dim = case.args["x"], case.args["dim"]
    other = 0 if dim % x.dim() != 0 else x.dim() - 1
    return torch.exp(x) / torch.exp(x).sum(dim=other, keepdim=True)


def _no_keepdim(case):
    x = case.args["x"]
    return torch.exp(x - x.max()) / torch.exp(x - x.max()).sum()


VARIANTS = [
    Variant("you normalised over the wrong dimension: the sum must run along `dim`",
            _wrong_dim),
    Variant("you normalised over the whole tensor: sum along `dim` with keepdim=True",
            _no_keepdim),
]


def _max_not_per_slice(x, dim, out):
    """Which wrong max `out` was shifted by, computed in the learner's dtype: "global"
    (the whole tensor), "other" (along another dim) or None."""
    d = dim % x.dim()
    shifts = [("global", x.amax())] + [("other", x.amax(dim=o, keepdim=True))
                                      for o in range(x.dim()) if o != d]
    for kind, m in shifts:
        e = torch.exp(x - m)
        wrong = e / e.sum(dim=dim, keepdim=True)
        if wrong.shape == out.shape and torch.allclose(out.double(), wrong.double(), rtol=1e-3,
                                                       atol=1e-6, equal_nan=True):
            return kind
    return None


def diagnose(case, got, want):
    out = got.get("out")
    x = case.args["x"]
    wrong_max = (_max_not_per_slice(x, case.args["dim"], out)
                 if isinstance(out, torch.Tensor) else None)
    if wrong_max == "other":
        return ("you subtracted the max along another dim: the shift must be the same for "
                "every entry of a slice along `dim`, so subtract x.amax(dim, keepdim=True)")
    if wrong_max == "global" and case.extra.get("levels"):
        return ("each slice needs its own max: subtract x.amax(dim, keepdim=True), the max "
                "along `dim`, not the max of the whole tensor; a slice far below that max "
                "underflows to 0/0 or loses its precision")
    if isinstance(out, torch.Tensor) and (torch.isnan(out).any() or torch.isinf(out).any()):
        if torch.isfinite(x).all() and x.abs().max() > 80:
            return ("exp() overflowed: subtract the max along `dim` before exponentiating")
        return "a -inf entry must give exp(-inf) = 0; check how you shift by the max"
    return None
