"""Checker for `dropout` (inverted dropout).

Deterministic cases (training=False, p = 0, p = 1) are compared value by value. In
training the output is random: `drive` seeds torch's RNG (so a run never flakes) and calls
the solution twice on the same input; `check` verifies that every element is 0 or
x / (1 - p), that the dropped fraction is p (within 6 standard errors), that the mask is
independent across rows and between the two calls.
"""

import math

import torch

from study.kata.presets import DROPOUT_FAMILY
from study.kata.toolkit import Ban, Case, also_in, randn

BAN = Ban(
    functions=("torch.nn.functional.dropout", "torch.nn.functional.dropout1d",
               "torch.nn.functional.dropout2d", "torch.nn.functional.dropout3d",
               "torch.nn.functional.alpha_dropout", "torch.nn.functional.feature_alpha_dropout",
               "torch.dropout", "torch.dropout_", "torch.feature_dropout",
               "torch.feature_dropout_", "torch.alpha_dropout", "torch.alpha_dropout_",
               "torch.feature_alpha_dropout", "torch.feature_alpha_dropout_",
               "torch.native_dropout"),
    aten=("aten::dropout", "aten::dropout_", "aten::native_dropout", "aten::feature_dropout",
          "aten::feature_dropout_", "aten::alpha_dropout", "aten::alpha_dropout_",
          "aten::feature_alpha_dropout", "aten::feature_alpha_dropout_",
          "aten::fused_dropout", "aten::_fused_dropout", "aten::native_dropout_backward"),
    modules=("torch.nn.modules.dropout",),
    families=(DROPOUT_FAMILY,),
    reason="dropout is what this kata asks you to write: build the mask yourself "
           "(torch.rand_like / torch.bernoulli are fine)",
)


def _x(shape, seed):
    # Bounded away from 0 so that a dropped element (0) and a kept one never coincide.
    x = randn(*shape, seed=seed)
    return x + torch.where(x >= 0, 0.5, -0.5)


@also_in(torch.float64)
def cases():
    yield Case("training=False returns x, [4, 7]", {"x": _x((4, 7), 1), "p": 0.5,
                                                    "training": False})
    yield Case("training=False, p = 0.9, [2, 3, 5]", {"x": _x((2, 3, 5), 2), "p": 0.9,
                                                     "training": False})
    yield Case("p = 0 keeps everything, [1]", {"x": _x((1,), 3), "p": 0.0, "training": True})
    yield Case("p = 0 keeps everything, [3, 9]", {"x": _x((3, 9), 4), "p": 0.0,
                                                 "training": True})
    yield Case("p = 1 drops everything (no NaN), [5, 6]", {"x": _x((5, 6), 5), "p": 1.0,
                                                          "training": True})
    for i, (shape, p) in enumerate([((256, 512), 0.5), ((64, 3, 25, 25), 0.1),
                                    ((1000, 129), 0.8), ((131072,), 0.3),
                                    ((512, 255), 0.65)]):
        yield Case(f"training, p = {p}, {list(shape)}",
                   {"x": _x(shape, 10 + i), "p": p, "training": True},
                   extra={"random": True, "seed": 100 + i})
    yield Case("training, p = 0.5, a single element", {"x": _x((1,), 20), "p": 0.5,
                                                       "training": True},
               extra={"random": True, "seed": 7, "small": True})
    for dtype in (torch.float16, torch.bfloat16):  # "any float dtype"
        yield Case(f"training, p = 0.4, [300, 200], in {str(dtype)[6:]}",
                   {"x": _x((300, 200), 30).to(dtype), "p": 0.4, "training": True},
                   extra={"random": True, "seed": 130})


def reference(case):
    # Everything is compared in check(): the output lives under "result" (see drive), which
    # the judge does not compare by itself.
    return {}


def _deterministic(case, out):
    a = case.args
    x = a["x"].double()
    if a["training"] and a["p"] == 1.0:
        if not bool(torch.isfinite(out).all()):
            return ["p = 1 drops everything: return zeros (1 / (1 - p) divides by zero)"]
        if bool((out != 0).any()):
            return ["p = 1 drops everything: every element of the result must be 0"]
        return []
    if not torch.allclose(out.double(), x, rtol=1e-6, atol=1e-7):
        if not a["training"]:
            return ["with training=False dropout does nothing: return x's values (no mask, "
                    "no scaling)"]
        return ["p = 0 drops nothing: return x's values unchanged"]
    return []


def _classify(x: torch.Tensor, out: torch.Tensor, p: float):
    """Per element: dropped (0), kept and scaled by 1/(1-p); or None where neither."""
    # x / (1 - p) rounded to the output's dtype: one rounding step of slack (float16 too).
    rel = max(1e-5, 2 * torch.finfo(out.dtype).eps) if out.is_floating_point() else 1e-5
    out = out.double()
    dropped = out == 0
    kept = (out - x / (1 - p)).abs() <= rel * (1 + (x / (1 - p)).abs())
    return dropped, kept


def check(case, got, want):
    x, p = case.args["x"].double(), case.args["p"]
    out = got.get("result")
    if not isinstance(out, torch.Tensor):
        return [f"the result should be a tensor, got {type(out).__name__}"]
    if tuple(out.shape) != tuple(x.shape):
        return [f"the result has shape {list(out.shape)}, expected {list(x.shape)}"]
    if out.dtype != case.args["x"].dtype:
        return [f"the result has dtype {out.dtype}, expected {case.args['x'].dtype}"]
    if not torch.isfinite(out).all():
        if not case.extra.get("random"):
            return _deterministic(case, out)
        return ["the result has NaN or inf values"]
    if not case.extra.get("random"):
        return _deterministic(case, out)
    dropped, kept = _classify(x, out, p)
    if not bool((dropped | kept).all()):
        o = out.double()
        nz = o != 0
        if bool(nz.any()) and bool(((o[nz] - x[nz]).abs() <= 1e-5 * (1 + x[nz].abs())).all()):
            return [f"the kept elements equal x: inverted dropout scales them by 1 / (1 - p) "
                    f"= {1 / (1 - p):.4g} so that E[out] = x (nothing changes at eval time)"]
        if bool(nz.any()) and bool(((o[nz] - x[nz] * (1 - p)).abs()
                                    <= 1e-5 * (1 + x[nz].abs())).all()):
            return ["the kept elements were multiplied by (1 - p): inverted dropout divides "
                    "them by (1 - p) in training"]
        close = (o[nz] - x[nz] / p).abs() <= 1e-5 * (1 + x[nz].abs() / p)
        if bool(nz.any()) and bool(close.all()):
            return ["the kept elements were divided by p: p is the drop probability, the "
                    "kept ones are scaled by 1 / (1 - p)"]
        bad = int((~(dropped | kept)).sum())
        return [f"{bad} elements are neither 0 nor x / (1 - p): in training each element is "
                "either dropped (0) or kept and scaled by 1 / (1 - p)"]
    if case.extra.get("small"):
        return []
    n = x.numel()
    rows = dropped.reshape(x.shape[0], -1).double()
    if rows.shape[0] > 1 and rows.shape[1] > 1 and bool((rows == rows[:1]).all()):
        return ["every row got the same mask: draw one independent mask entry per "
                "element (a mask with the full shape of x, e.g. torch.rand_like(x))"]
    frac = float(dropped.double().mean())
    se = math.sqrt(p * (1 - p) / n)
    if abs(frac - p) > 6 * se:
        if abs(frac - (1 - p)) <= 6 * se:
            return [f"you dropped a fraction {frac:.3f} of the elements, about 1 - p: p is the "
                    "probability to DROP an element, not to keep it"]
        return [f"you dropped a fraction {frac:.4f} of the elements, expected p = {p} "
                f"(± {6 * se:.4f})"]
    if rows.shape[0] > 1 and rows.shape[1] > 1:
        cols = rows.var(dim=0).mean()
        if abs(float(cols) - p * (1 - p)) > 0.15 * p * (1 - p):
            return ["the mask is not independent across rows: draw one independent mask "
                    "entry per element, torch.rand_like(x)"]
    if x.dim() > 1 and rows.shape[1] > 1:
        last = dropped.reshape(-1, x.shape[-1]).double()
        if bool((last == last[:, :1]).all()):
            return ["whole rows were dropped together: dropout zeroes each element "
                    "independently, not whole rows or channels"]
    second = got.get("second")
    if (isinstance(second, torch.Tensor) and second.shape == out.shape
            and torch.equal(second, out)):
        return ["two calls gave the same mask: draw a fresh mask from torch's global "
                "RNG on every call (do not reseed or cache it)"]
    return []
