"""Checker for `int8-absmax-quantization`.

The reference is the formula in float64; it equals torch.quantize_per_tensor /
torch.quantize_per_channel (qint8, zero point 0) with scale = absmax / 127 on these inputs,
which keep x / scale at least 0.03 away from every .5 rounding boundary (except the
deliberate exact ties, where the scale is exactly 1), so float32 rounding never flips a code.
"""

import torch

from study.kata.presets import QUANT_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, randn

_QUANT = ("quantize_per_tensor", "quantize_per_channel", "quantize_per_tensor_dynamic",
          "fake_quantize_per_tensor_affine", "fake_quantize_per_channel_affine")
BAN = Ban(
    functions=tuple(f"torch.{n}" for n in _QUANT),
    aten=("aten::quantize_per_tensor", "aten::quantize_per_channel",
          "aten::quantize_per_tensor_dynamic", "aten::fake_quantize_per_tensor_affine",
          "aten::fake_quantize_per_tensor_affine_cachemask",
          "aten::_fake_quantize_per_tensor_affine_cachemask_tensor_qparams",
          "aten::fake_quantize_per_channel_affine",
          "aten::fake_quantize_per_channel_affine_cachemask",
          "aten::_fake_quantize_learnable_per_tensor_affine",
          "aten::_fake_quantize_learnable_per_channel_affine",
          "aten::fused_moving_avg_obs_fake_quant", "aten::_fused_moving_avg_obs_fq_helper",
          "aten::quantize_per_tensor.tensor_qparams", "aten::quantize_per_tensor.tensors",
          "aten::quantize_per_tensor.tensors"),
    modules=("torch.ao.quantization", "torch.quantization"),
    families=(QUANT_FAMILY,),
    reason="the quantizer is what this kata asks you to write; build it from amax, round "
           "and clamp",
)


def _absmax(x, dim):
    return x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)


def _safe(x, dim, seed):
    """x with every x/scale at least 0.03 away from a .5 boundary (ties excluded)."""
    x = x.double()
    for _ in range(50):
        a = _absmax(x, dim)
        r = (x * 127 / torch.where(a == 0, torch.ones_like(a), a)).abs()
        near = ((r - r.floor()) - 0.5).abs() < 0.03
        if not near.any():
            break
        x = torch.where(near, x * 0.96, x)
    return x.float()


def _tol():
    return Tol(atol=0.0, rtol=1e-6)


@also_in(torch.float64)
def cases():
    specs = [((1,), None), ((7,), None), ((4, 10), -1), ((4, 10), 0), ((2, 3, 5), 1),
             ((3, 33, 17), -1), ((16, 64), None), ((5, 1), 1), ((6, 9), 1)]
    for i, (shape, dim) in enumerate(specs):
        x = _safe(randn(*shape, seed=20 + i, scale=2.0), dim, i)
        yield Case(f"random {list(shape)}, dim={dim}", {"x": x, "dim": dim}, tol=_tol())
    x = _safe(randn(8, 12, seed=40, scale=1e4), -1, 0)
    yield Case("large values (±1e4), per row", {"x": x, "dim": -1}, tol=_tol())
    x = _safe(randn(8, 12, seed=41, scale=1e-6), 0, 0)
    yield Case("tiny values (~1e-6), per column", {"x": x, "dim": 0}, tol=_tol())
    x = _safe(randn(4, 16, seed=42), None, 0)
    x[2, 5] = 60.0
    x = _safe(x, None, 0)
    yield Case("one outlier (most codes round to 0)", {"x": x, "dim": None}, tol=_tol())
    x = torch.tensor([[127.0, 2.5, -0.5, 1.5, -3.5, 0.5, -126.5, 6.0],
                      [-127.0, -2.5, 0.5, -1.5, 3.5, 4.5, 126.5, 0.0]])
    yield Case("exact ties (scale 1): round half to even", {"x": x, "dim": -1}, tol=_tol())
    x = _safe(randn(3, 7, seed=43), -1, 0)
    x[1] = 0.0
    yield Case("an all-zero row (scale 1, codes 0)", {"x": x, "dim": -1}, tol=_tol())
    yield Case("all zeros, per tensor", {"x": torch.zeros(2, 3), "dim": None}, tol=_tol())


def _quant(x, dim, *, levels=127.0, rounding=torch.round, scale_dim="same", inverse=False):
    if scale_dim == "global":
        a = x.abs().amax()
        if dim is not None:
            a = a.expand_as(_absmax(x, dim)).clone()
    elif scale_dim == "other":
        if dim is None or x.dim() < 2:
            return None
        others = [d for d in range(x.dim()) if d != dim % x.dim()]
        a = x.abs().amax(dim=others, keepdim=True)
        target = list(_absmax(x, dim).shape)
        if list(a.shape) != target:
            return None
    else:
        a = _absmax(x, dim)
    s = a / levels
    s = torch.where(a == 0, torch.ones_like(s), s)
    q = rounding(x / s).clamp(-127, 127).to(torch.int8)
    return (q, 1 / s if inverse else s)


def reference(case):
    return _quant(case.args["x"], case.args["dim"])


def _v(**kw):
    return lambda case: _quant(case.args["x"], case.args["dim"], **kw)


def _global(case):
    return None if case.args["dim"] is None else _v(scale_dim="global")(case)


VARIANTS = [
    Variant("`.to(torch.int8)` truncates toward zero: round to the nearest integer first "
            "(torch.round), then clamp and convert", _v(rounding=torch.trunc), keys=("out.0",)),
    Variant("floor(x / s + 0.5) rounds halves up (and -2.5 to -2): use torch.round, which "
            "rounds half to even", _v(rounding=lambda t: torch.floor(t + 0.5)), keys=("out.0",)),
    Variant("the scale maps max|x| to 127, the largest symmetric int8 code: s = max|x| / 127, "
            "not / 128", _v(levels=128.0), keys=("out.0", "out.1")),
    Variant("the scale maps max|x| to 127: s = max|x| / 127, not / 255 (that is the step of "
            "an unsigned 8-bit range)", _v(levels=255.0), keys=("out.0", "out.1")),
    Variant("you used one scale for the whole tensor: with `dim` given, take the max along "
            "`dim` only (amax(dim=dim, keepdim=True))", _global, keys=("out.0",)),
    Variant("the scale runs along the wrong dimensions: take the max along `dim` (the "
            "reduced dim), not over all the others", _v(scale_dim="other"), keys=("out.0",)),
    Variant("you returned 127 / max|x| (the multiplier) as the scale: return s = max|x| / 127, "
            "so that x ≈ q * scale", _v(inverse=True), keys=("out.0", "out.1")),
]


def diagnose(case, got, want):
    for key in ("out.0", "out.1"):
        t = got.get(key)
        if isinstance(t, torch.Tensor) and t.is_floating_point() and not bool(
                torch.isfinite(t).all()):
            return ("NaN/inf: an all-zero slice has max|x| = 0; give it scale 1 "
                    "(torch.where(absmax == 0, 1, absmax / 127)) before dividing")
    s, ref = got.get("out.1"), want.get("out.1")
    if (isinstance(s, torch.Tensor) and isinstance(ref, torch.Tensor) and s.shape == ref.shape
            and bool(((s == 0) & (ref.to(s.device) == 1)).any())):
        return ("an all-zero slice has max|x| = 0: give it scale 1, not 0 "
                "(torch.where(absmax == 0, 1, absmax / 127)), and codes 0")
    if _truncated(case, got.get("out.0"), want.get("out.0")):
        return ("the codes are truncated: `.to(torch.int8)` (or `.int()`) on x / s truncates "
                "toward zero; round to the nearest integer first (torch.round), then clamp and "
                "convert")
    return None


def _truncated(case, q, want):
    """Are the wrong codes those of truncation, whichever way x / s was computed? (A float
    formula that lands a hair below an integer truncates it too: only positions where the
    fraction is clearly >= 0.5 are evidence; near-integer ones may go either way.)"""
    if not (isinstance(q, torch.Tensor) and isinstance(want, torch.Tensor)
            and q.shape == want.shape and not q.is_floating_point()):
        return False
    x = case.args["x"].double()
    a = _absmax(x, case.args["dim"])
    r = x / torch.where(a == 0, torch.ones_like(a), a / 127)
    q = q.to("cpu", torch.float64)
    wrong = q != want.double()
    near_integer = (r - r.round()).abs() < 1e-3
    truncated = q == r.trunc().clamp(-127, 127)
    return bool(wrong.any()) and bool((~wrong | truncated | near_integer).all()) and bool(
        (wrong & truncated & ((r - r.trunc()).abs() >= 0.5)).any())
