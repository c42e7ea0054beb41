"""No kata passes a solution that returns all zeros, or echoes an input, where the answer
is neither. Each solution is built here from the kata's own reference solution: it runs
the real computation, then replaces what it produced (the returned tensors and numbers,
and the tensors it updated in place) by zeros of the same shapes and dtypes, or by an
input of the same shape and dtype (in place: leaves the inputs as they came)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

pytest.importorskip("torch")

from study.kata.devrun import check  # noqa: E402
from study.kata.judge import warm_up  # noqa: E402
from study.loader import load  # noqa: E402
from study.paths import bundled_root  # noqa: E402

EXERCISES = REPO / "exercises"
KATAS = sorted(p.parent.name for p in EXERCISES.glob("*/kata.yaml"))
NOT_APPLICABLE = "DEGENERATE-NOT-APPLICABLE"

_WRAPPER = '''

# --- added by tests/test_degenerate_outputs.py ---------------------------------------
import torch as _torch

_real = {function}
_MODE = {mode!r}


def _tensors(value, found):
    if isinstance(value, _torch.Tensor):
        found.append(value)
    elif isinstance(value, list | tuple):
        for v in value:
            _tensors(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _tensors(v, found)
    return found


def _zero(value):
    if isinstance(value, _torch.Tensor):
        return _torch.zeros_like(value)
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0
    if isinstance(value, float):
        return 0.0
    if isinstance(value, str):
        return ""
    if isinstance(value, tuple):
        return tuple(_zero(v) for v in value)
    if isinstance(value, list):
        return [_zero(v) for v in value]
    if isinstance(value, dict):
        return {{k: _zero(v) for k, v in value.items()}}
    return value


def _echo(value, inputs, used):
    if isinstance(value, _torch.Tensor):
        for t in inputs:
            if t.shape == value.shape and t.dtype == value.dtype and t.numel():
                used.append(True)
                return t.detach().clone()
        return value
    if isinstance(value, tuple):
        return tuple(_echo(v, inputs, used) for v in value)
    if isinstance(value, list):
        return [_echo(v, inputs, used) for v in value]
    if isinstance(value, dict):
        return {{k: _echo(v, inputs, used) for k, v in value.items()}}
    return value


def {function}(*args, **kwargs):
    inputs = _tensors(list(args) + list(kwargs.values()), [])
    watched = inputs + [t.grad for t in inputs if t.grad is not None]
    before = [t.detach().clone() for t in watched]
    try:
        out = _real(*args, **kwargs)
    except Exception as exc:  # the reference refuses this input (an expected error)
        raise RuntimeError("{marker}") from exc
    used = []
    with _torch.no_grad():
        for t, b in zip(watched, before):
            if t.shape == b.shape and not _torch.equal(t, b):
                used.append(True)
                if _MODE == "zeros":
                    t.zero_()
                else:
                    t.copy_(b)
    if _MODE == "zeros":
        return _zero(out)
    out = _echo(out, inputs, used)
    if not used:
        raise RuntimeError("{marker}")
    return out
'''


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm_up()


def _functions() -> dict[str, str]:
    return {k: v.function for k, v in load([(bundled_root(), "bundled")]).content.katas.items()}


FUNCTIONS = _functions()


@pytest.mark.parametrize("mode", ["zeros", "echo"])
@pytest.mark.parametrize("kata", KATAS)
def test_zeros_and_echoes_fail(kata: str, mode: str, tmp_path: Path) -> None:
    source = (EXERCISES / kata / "solution.py").read_text(encoding="utf-8")
    path = tmp_path / f"{mode}.py"
    path.write_text(source + _WRAPPER.format(function=FUNCTIONS[kata], mode=mode,
                                             marker=NOT_APPLICABLE), encoding="utf-8")
    result = check(EXERCISES / kata, path)
    applied = [t for t in result.tests if NOT_APPLICABLE not in t.message]
    if not applied:
        pytest.skip("no output has the shape and dtype of an input")
    judged = [t for t in applied if not t.passed]
    assert judged, f"{kata}: a solution returning {mode} passes every case it applies to"
    assert not any("raised an exception" in t.message for t in judged), judged[0].message
