"""Comparing the learner's outputs with the float64 reference, with messages that teach."""

from __future__ import annotations

from typing import Any

import torch

from study.kata.toolkit import Case, Tol


def _fmt(x: float) -> str:
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return f"{x:.6g}"


def _index(flat: int, shape: torch.Size) -> list[int]:
    idx = []
    for dim in reversed(shape):
        idx.append(flat % dim)
        flat //= dim
    return list(reversed(idx))


def _preview(t: torch.Tensor, n: int = 4) -> str:
    vals = t.reshape(-1)[:n].tolist()
    more = ", ..." if t.numel() > n else ""
    return "[" + ", ".join(_fmt(float(v)) for v in vals) + more + "]"


def describe_key(key: str) -> str:
    if key == "out":
        return "the result"
    if key.startswith("out."):
        # Counted from 1, as a person counts: `out.0` is the first output.
        parts = [str(int(p) + 1) if p.isdigit() else p for p in key[4:].split(".")]
        return f"output {'.'.join(parts)}"
    if key.startswith("grad."):
        return f"the gradient w.r.t. {key[5:]}"
    if key.startswith("after."):
        return f"{key[6:]} after the call"
    return key


def compare_tensor(key: str, got: Any, want: torch.Tensor, tol: Tol,
                   float_dtype: torch.dtype) -> str | None:
    """None if `got` matches `want`, else a message naming what differs and where."""
    what = describe_key(key)
    if got is None:
        return f"{what} is missing (got None)"
    if not isinstance(got, torch.Tensor):
        return f"{what} should be a tensor, got {type(got).__name__}"
    if tuple(got.shape) != tuple(want.shape):
        return f"{what} has shape {list(got.shape)}, expected {list(want.shape)}"
    expected_dtype = float_dtype if want.is_floating_point() else want.dtype
    if got.dtype != expected_dtype:
        return f"{what} has dtype {got.dtype}, expected {expected_dtype}"
    if not want.is_floating_point():
        diff = got != want
        if bool(diff.any()):
            first = int(diff.reshape(-1).nonzero()[0])
            return (f"{what} differs at {_index(first, want.shape)}: got "
                    f"{got.reshape(-1)[first].item()}, expected {want.reshape(-1)[first].item()}"
                    f" (got {got.tolist() if got.numel() <= 12 else _preview(got)}, expected "
                    f"{want.tolist() if want.numel() <= 12 else _preview(want)})")
        return None
    g = got.double()
    bad_nan = torch.isnan(g) & ~torch.isnan(want)
    if bool(bad_nan.any()):
        first = int(bad_nan.reshape(-1).nonzero()[0])
        expected = _fmt(float(want.reshape(-1)[first]))
        return (f"{what} has NaN at {_index(first, want.shape)} (expected {expected}); "
                f"{int(bad_nan.sum())} NaN value(s) in all")
    inf_mismatch = (torch.isinf(g) | torch.isinf(want)) & (g != want)
    if bool(inf_mismatch.any()):
        first = int(inf_mismatch.reshape(-1).nonzero()[0])
        return (f"{what} is {_fmt(float(g.reshape(-1)[first]))} at {_index(first, want.shape)}"
                f", expected {_fmt(float(want.reshape(-1)[first]))}")
    finite = torch.isfinite(want)
    err = torch.where(finite, (g - want).abs(), torch.zeros_like(g))
    allowed = tol.atol + tol.rtol * want.abs()
    over = (err > allowed) & finite
    if not bool(over.any()):
        return None
    ratio = torch.where(over, err / allowed, torch.zeros_like(err))
    worst = int(ratio.reshape(-1).argmax())
    gw, ww = float(g.reshape(-1)[worst]), float(want.reshape(-1)[worst])
    rel = abs(gw - ww) / max(abs(ww), 1e-30)
    n_bad = int(over.sum())
    return (f"{what} is wrong at {n_bad} of {want.numel()} position(s); worst at "
            f"{_index(worst, want.shape)}: got {_fmt(gw)}, expected {_fmt(ww)} "
            f"(abs error {_fmt(abs(gw - ww))}, rel error {_fmt(rel)}; allowed "
            f"{_fmt(tol.atol)} + {_fmt(tol.rtol)}·|expected|); first values: got "
            f"{_preview(got)}, expected {_preview(want)}")


def _first_float(value: Any) -> torch.dtype | None:
    if isinstance(value, torch.Tensor):
        return value.dtype if value.is_floating_point() else None
    if isinstance(value, list | tuple):
        for v in value:
            found = _first_float(v)
            if found is not None:
                return found
    return None


def float_dtype_of(case: Case) -> torch.dtype:
    """The dtype float outputs must have: that of the first float argument (a list of
    sequences counts), float32 where there is none."""
    for v in case.args.values():
        found = _first_float(v)
        if found is not None:
            return found
    return torch.float32


def compare_outputs(case: Case, got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    problems = []
    fdt = float_dtype_of(case)
    for key, w in want.items():
        if key not in got:
            problems.append(f"{describe_key(key)} is missing")
            continue
        if isinstance(w, torch.Tensor):
            msg = compare_tensor(key, got[key], w, case.tol, fdt)
        elif isinstance(w, float):
            gv = got[key]
            gv = gv.item() if isinstance(gv, torch.Tensor) and gv.numel() == 1 else gv
            limit = case.tol.atol + case.tol.rtol * abs(w)
            ok = isinstance(gv, int | float) and abs(gv - w) <= limit
            msg = None if ok else f"{describe_key(key)} is {gv!r}, expected {w!r}"
        else:
            msg = None if got[key] == w else f"{describe_key(key)} is {got[key]!r}, expected {w!r}"
        if msg:
            problems.append(msg)
    if len(want) == 1 and "out" in want and any(k.startswith("out.") for k in got):
        problems = ["the function should return one tensor, not a tuple"]
    return problems
