"""Bans by family: every op torch registers whose name is in a kata's banned family, in
any namespace, is refused by the guard at both levels, and the routes that once slipped
past a list (a custom op, a private kernel, a sparse twin) are refused when called."""

from __future__ import annotations

import contextlib
import importlib
from functools import cache
from pathlib import Path

import pytest
from conftest import REPO

torch = pytest.importorskip("torch")

from study.kata import bans  # noqa: E402
from study.kata.bans import (  # noqa: E402
    Ban,
    BannedCall,
    Guard,
    _DispatchGuard,
    _FunctionGuard,
    _Recorder,
)
from study.kata.judge import load_check  # noqa: E402

EXERCISES = REPO / "exercises"


@cache
def _ban(kata: str) -> Ban:
    return getattr(load_check(EXERCISES / kata), "BAN", Ban())


FAMILY_KATAS = sorted(p.parent.name for p in EXERCISES.glob("*/check.py")
                      if _ban(p.parent.name).families)


@cache
def registered_ops() -> tuple[str, ...]:
    """Every op name torch registers, after the modules that register custom ops."""
    for module in ("torch.ao.quantization.fx._decomposed", "torchvision"):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    return tuple(sorted({n.split(".")[0] for n in torch._C._dispatch_get_all_op_names()}))


def _targets(name: str) -> tuple[list[object], list[object]]:
    """The packet and its overloads (what torch-function sees), and the overloads
    (what dispatch sees), for `ns::op`; empty when torch.ops cannot resolve it."""
    ns, op = name.split("::")
    try:
        packet = getattr(getattr(torch.ops, ns), op)
        overloads = [getattr(packet, o) for o in packet.overloads()]
    except (AttributeError, RuntimeError):
        return [], []
    return [packet, *overloads], overloads


def test_the_kata_bans_that_are_about_a_family_use_families() -> None:
    for kata in ("softmax", "cross-entropy", "layer-norm", "batch-norm", "rmsnorm", "conv2d",
                 "depthwise-separable-conv", "conv-output-shape", "maxpool2d",
                 "scaled-dot-product-attention", "multi-head-attention", "flash-attention",
                 "kv-cache-attention", "causal-mask", "transformer-encoder-block",
                 "lstm-cell", "gru-cell", "rnn-forward", "int8-absmax-quantization",
                 "pad-collate", "gan-losses", "vae-loss", "distillation-loss", "triplet-loss",
                 "dropout", "adam-step", "sgd-momentum", "mlp-backward"):
        assert kata in FAMILY_KATAS, kata


@pytest.mark.parametrize("kata", FAMILY_KATAS)
def test_every_registered_op_in_a_banned_family_is_caught(kata: str) -> None:
    ban = _ban(kata)
    ops = registered_ops()
    for family in ban.families:  # a family that matches nothing is a typo
        assert any(Ban(families=(family,)).in_family(n) for n in ops), (kata, family)
    names = [n for n in ops if ban.in_family(n)]
    rec = _Recorder(ban)
    fguard, dguard = _FunctionGuard(rec), _DispatchGuard(rec)
    resolved = 0
    for name in names:
        assert rec.banned_op(name), name
        python_level, dispatch_level = _targets(name)
        resolved += bool(python_level)
        for target in python_level:  # refused before the op runs: no arguments needed
            with pytest.raises(BannedCall, match="banned operation"):
                fguard.__torch_function__(target, (), (), {})
        for target in dispatch_level:
            with pytest.raises(BannedCall, match="banned operation"):
                dguard.__torch_dispatch__(target, (), (), {})
    assert resolved >= len(names) // 2, (kata, resolved, len(names))


def test_families_match_the_op_name_in_any_namespace_not_its_neighbours() -> None:
    ban = _ban("int8-absmax-quantization")
    assert ban.in_family("quantized_decomposed::quantize_per_tensor")
    assert ban.in_family("aten::quantize_per_tensor.tensor_qparams")
    assert ban.in_family("some_future_ns::fake_quantize_affine")
    assert not ban.in_family("aten::quantile")
    pad = _ban("pad-collate")
    assert pad.in_family("aten::_jagged_to_padded_dense_forward")
    assert not pad.in_family("aten::constant_pad_nd")  # F.pad is allowed
    conv = _ban("conv2d")
    assert conv.in_family("mkldnn::_convolution_pointwise")
    assert not conv.in_family("aten::im2col") and not conv.in_family("aten::_convert_indices")


def _refused(kata: str, call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(BannedCall) as info, Guard(_ban(kata)):
        call()
    return str(info.value)


def test_the_quantizer_as_a_custom_op_is_refused() -> None:
    importlib.import_module("torch.ao.quantization.fx._decomposed")
    x = torch.randn(4, 6)
    ops = torch.ops.quantized_decomposed
    for call in (
        lambda: ops.quantize_per_tensor(x, 0.02, 0, -127, 127, torch.int8),
        lambda: ops.quantize_per_tensor.default(x, 0.02, 0, -127, 127, torch.int8),
        lambda: ops.quantize_per_channel(x, torch.full((4,), 0.02),
                                         torch.zeros(4, dtype=torch.long), 0, -127, 127,
                                         torch.int8),
        lambda: torch.fake_quantize_per_tensor_affine(x, 0.02, 0, -127, 127),
    ):
        assert "quantize" in _refused("int8-absmax-quantization", call)
    # The ops a right solution needs are still allowed.
    with Guard(_ban("int8-absmax-quantization")):
        s = x.abs().amax() / 127
        torch.clamp(torch.round(x / s), -127, 127).to(torch.int8)


def test_the_private_jagged_kernel_is_refused_for_pad_collate() -> None:
    values, offsets = torch.randn(7, 3), torch.tensor([0, 2, 7])
    message = _refused("pad-collate", lambda: torch.ops.aten._jagged_to_padded_dense_forward(
        values, [offsets], [5], 0.0))
    assert "_jagged_to_padded_dense_forward" in message
    with Guard(_ban("pad-collate")):
        out = torch.full((2, 5, 3), 0.0)
        out[0, :2] = values[:2]
        torch.nn.functional.pad(values, (0, 0, 0, 3))


def test_sparse_and_masked_softmax_are_refused() -> None:
    x = torch.randn(3, 5)
    assert "_sparse_softmax" in _refused("softmax", lambda: torch.sparse.softmax(
        x.to_sparse(), 1))
    assert "softmax" in _refused("softmax", lambda: torch.nn.Softmax(dim=1)(x))
    assert "softmax" in _refused("softmax", lambda: torch.ops.aten._masked_softmax(
        x, torch.zeros(3, 5, dtype=torch.bool)))
    with Guard(_ban("softmax")):  # what a right softmax is built from
        e = (x - x.amax(1, keepdim=True)).exp()
        e / e.sum(1, keepdim=True)
        torch.logsumexp(x, 1)


def test_a_convolution_through_the_onednn_namespace_is_refused() -> None:
    x, w = torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3)
    message = _refused("conv2d", lambda: torch.ops.mkldnn._convolution_pointwise(
        x, w, None, [0, 0], [1, 1], [1, 1], 1, "none", [], ""))
    assert "convolution" in message
    with Guard(_ban("conv2d")):
        torch.nn.functional.unfold(x, 3)


def test_every_banned_kata_still_names_its_public_functions(tmp_path: Path) -> None:
    # The message names the function the learner called, not only a kernel.
    x = torch.randn(2, 3)
    assert "torch.nn.functional.softmax" in _refused(
        "softmax", lambda: torch.nn.functional.softmax(x, 1))


def test_an_operator_registered_by_the_solution_is_refused() -> None:
    """A torch.library op runs its Python kernel below the guards: once the ops are frozen
    (the sandbox does it in seal(), before the solution loads), any new op is refused."""
    x = torch.randn(2, 5)
    bans.freeze_ops()
    try:
        lib = torch.library.Library("kata_test_hidden", "DEF")
        lib.define("smx(Tensor x) -> Tensor")
        lib.impl("smx", lambda t: torch.softmax(t, -1), "CompositeExplicitAutograd")
        for guard in (Guard(Ban(), ops=True), Guard(_ban("softmax"))):
            with pytest.raises(BannedCall, match="registered after the check started"), guard:
                torch.ops.kata_test_hidden.smx(x)
        with Guard(Ban(), ops=True):  # torch's own ops stay allowed
            torch.exp(x).sum()
    finally:
        bans._KNOWN_OPS = None


def test_a_ban_of_nothing_costs_nothing() -> None:
    """With nothing banned (and no memory watch) no mode is pushed: the guards' 5-8 µs per
    op would find nothing. Anything banned, or ops=True, pushes both."""
    from torch.overrides import _get_current_function_mode_stack
    from torch.utils._python_dispatch import _get_current_dispatch_mode_stack

    with Guard(Ban()) as idle:
        assert not idle.watching
        assert not _get_current_function_mode_stack() and not _get_current_dispatch_mode_stack()
    for guard in (Guard(Ban(), ops=True), Guard(Ban(aten=("aten::_softmax",))),
                  Guard(Ban(families=("softmax",))), Guard(Ban(autograd=True))):
        with guard:
            assert guard.watching
            assert len(_get_current_function_mode_stack()) == 1
            assert len(_get_current_dispatch_mode_stack()) == 1
