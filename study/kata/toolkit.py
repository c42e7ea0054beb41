"""The checker toolkit: what a kata's `check.py` is written with.

A checker module defines:

    BAN = Ban(...)                     # optional: banned operations
    def cases() -> Iterable[Case]      # inputs, built with seeded generators
    def reference(case) -> outputs     # the right answer, computed in float64

and optionally:

    def diagnose(case, got, want) -> str|None # name the mistake behind a mismatch
    def check(case, got, want) -> list[str]   # extra or property checks (random katas)
    VARIANTS = [Variant(...)]                 # known wrong answers, recognised by value

How to call the solution, when `fn(*args)` is not enough, lives apart in the
kata's `drive.py` (`def drive(fn, args, case) -> outputs`): it runs in the
sandbox with the learner's code, so it imports only torch, math and this module
and holds nothing that gives an answer away. `reference` and `check` run in the
judge process, out of the learner's reach; a checker that shares helpers with
its drive (building the model) loads it with `sibling(__file__, "drive")`.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import torch

from study.kata.bans import Ban

__all__ = [
    "Ban", "Case", "Tol", "Variant", "rand", "randn", "randint", "generator", "flatten",
    "default_drive", "sibling", "in_dtype", "also_in", "Iterable",
]


@dataclass
class Tol:
    """Allowed error: |got - want| <= atol + rtol * |want|, elementwise."""

    atol: float = 1e-5
    rtol: float = 1e-5


@dataclass
class Case:
    name: str  # what the case is about, shown to the learner: "large logits (±1e4)"
    args: dict[str, Any]  # the function's parameters in order: tensors and plain values
    tol: Tol = field(default_factory=Tol)
    grad: tuple[str, ...] = ()  # parameters whose gradients are checked too
    mutable: tuple[str, ...] = ()  # parameters the function must update in place
    max_elems: int | None = None  # memory rule: no intermediate tensor this large
    extra: dict[str, Any] = field(default_factory=dict)  # anything else the checker needs
    # Filled by the judge: upstream gradients for `grad` cases.
    upstream: dict[str, torch.Tensor] = field(default_factory=dict)

    def shapes(self) -> str:
        parts = []
        for k, v in self.args.items():
            if isinstance(v, torch.Tensor):
                parts.append(f"{k}{list(v.shape)}")
            elif not isinstance(v, list | tuple | dict):
                parts.append(f"{k}={v!r}")
        return ", ".join(parts)


@dataclass
class Variant:
    """A known wrong answer: if the output matches it, say what went wrong."""

    message: str
    compute: Callable[[Case], dict[str, torch.Tensor]]  # in float64, like `reference`
    keys: tuple[str, ...] = ("out",)


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def randn(*shape: int, seed: int, scale: float = 1.0, mean: float = 0.0,
          dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return (torch.randn(*shape, generator=generator(seed), dtype=torch.float64) * scale
            + mean).to(dtype)


def rand(*shape: int, seed: int, low: float = 0.0, high: float = 1.0,
         dtype: torch.dtype = torch.float32) -> torch.Tensor:
    u = torch.rand(*shape, generator=generator(seed), dtype=torch.float64)
    return (low + (high - low) * u).to(dtype)


def randint(low: int, high: int, shape: tuple[int, ...], seed: int) -> torch.Tensor:
    return torch.randint(low, high, shape, generator=generator(seed), dtype=torch.int64)


def flatten(obj: Any, prefix: str = "out") -> dict[str, Any]:
    """Outputs as a flat dict: tuples become out.0, out.1; dicts out.<key>."""
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(flatten(v, f"{prefix}.{k}"))
        return out
    if isinstance(obj, tuple | list):
        out = {}
        for i, v in enumerate(obj):
            out.update(flatten(v, f"{prefix}.{i}"))
        return out
    return {prefix: obj}


def default_drive(fn: Callable[..., Any], args: dict[str, Any], case: Case) -> dict[str, Any]:
    """Call the solution with the case's arguments; gradients and in-place updates as asked."""
    leaves = []
    for name in case.grad:
        args[name] = args[name].detach().requires_grad_(True)
        leaves.append(args[name])
    out = flatten(fn(*args.values()))
    if case.grad:
        keys = [k for k in case.upstream if isinstance(out.get(k), torch.Tensor)
                and out[k].requires_grad]
        grads: list[Any] = [None] * len(leaves)
        if keys:
            grads = list(torch.autograd.grad(
                [out[k] for k in keys], leaves,
                [case.upstream[k].to(out[k].device, out[k].dtype) for k in keys],
                allow_unused=True))
        for name, g in zip(case.grad, grads, strict=True):
            out[f"grad.{name}"] = g
    for name in case.mutable:
        out[f"after.{name}"] = args[name]
    return out


def magnitude(t: torch.Tensor) -> float:
    """The largest finite absolute value (at least 1), for scale-aware tolerances."""
    finite = t[torch.isfinite(t)] if t.numel() else t
    return max(1.0, float(finite.abs().max())) if finite.numel() else 1.0


def sqrt_n(n: int) -> float:
    return math.sqrt(max(1, n))


def sibling(checker_file: str, name: str) -> ModuleType:
    """The module `<name>.py` beside a checker: check.py reuses its drive.py's helpers with
    `sibling(__file__, "drive")` (never the other way: drive.py must not see the answers)."""
    path = Path(checker_file).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(
        f"study_{name}_{path.parent.name.replace('-', '_')}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_DTYPE_NAMES = {torch.float64: "float64", torch.float32: "float32", torch.float16: "float16",
                torch.bfloat16: "bfloat16"}


def _convert(value: Any, dtype: torch.dtype) -> Any:
    if isinstance(value, torch.Tensor):
        return value.to(dtype) if value.is_floating_point() else value
    if isinstance(value, list):
        return [_convert(v, dtype) for v in value]
    if isinstance(value, tuple):
        return tuple(_convert(v, dtype) for v in value)
    return value


def in_dtype(case: Case, dtype: torch.dtype, tol: Tol | None = None) -> Case:
    """The same case with every floating-point argument (in lists and tuples too) in
    `dtype`: the contract's "the result has the dtype of x" put to the test."""
    return dataclasses.replace(
        case, name=f"{case.name}, in {_DTYPE_NAMES.get(dtype, str(dtype))}",
        args={k: _convert(v, dtype) for k, v in case.args.items()},
        tol=tol or case.tol, extra=dict(case.extra), upstream={})


def _float_elems(value: Any) -> int:
    if isinstance(value, torch.Tensor):
        return value.numel() if value.is_floating_point() else 0
    if isinstance(value, list | tuple):
        return sum(_float_elems(v) for v in value)
    return 0


def also_in(*dtypes: torch.dtype, pick: int | None = None,
            tol: Tol | None = None) -> Callable[[Callable[[], Iterable[Case]]],
                                                Callable[[], Iterable[Case]]]:
    """Decorate `cases()`: after its own cases, one of them again in each dtype: case
    number `pick`, or by default the one of median size (a typical case, not an edge)."""
    def wrap(fn: Callable[[], Iterable[Case]]) -> Callable[[], Iterable[Case]]:
        @functools.wraps(fn)
        def cases() -> Iterable[Case]:
            made = list(fn())
            yield from made
            if pick is None:
                by_size = sorted(range(len(made)),
                                 key=lambda i: (_float_elems(list(made[i].args.values())), i))
                chosen = made[by_size[len(by_size) // 2]]
            else:
                chosen = made[pick]
            for dtype in dtypes:
                yield in_dtype(chosen, dtype, tol)
        return cases
    return wrap
