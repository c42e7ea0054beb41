"""The judge's building blocks: comparisons, variants, signatures, bans."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from study.kata.bans import Ban, BannedCall, Guard, MemoryWatch  # noqa: E402
from study.kata.compare import compare_tensor  # noqa: E402
from study.kata.judge import _variant_match  # noqa: E402
from study.kata.sandbox import contract_params, signature_problem  # noqa: E402
from study.kata.toolkit import Case, Tol, Variant  # noqa: E402


def test_compare_messages_name_shape_dtype_nan_and_the_worst_place() -> None:
    want = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    tol = Tol(1e-6, 1e-6)
    assert compare_tensor("out", want.float(), want, tol, torch.float32) is None
    assert "has shape [2]" in compare_tensor("out", torch.zeros(2), want, tol, torch.float32)
    assert "dtype torch.float64" in compare_tensor("out", want, want, tol, torch.float32)
    nan = want.float().clone()
    nan[1, 0] = float("nan")
    assert "NaN at [1, 0] (expected 3)" in compare_tensor("out", nan, want, tol, torch.float32)
    off = want.float().clone()
    off[0, 1] = 2.5
    msg = compare_tensor("grad.x", off, want, tol, torch.float32)
    assert msg.startswith("the gradient w.r.t. x is wrong at 1 of 4 position(s); worst at [0, 1]")
    assert "got 2.5, expected 2" in msg


def test_variants_match_only_real_distinct_mistakes() -> None:
    case = Case("c", {"x": torch.ones(3)}, tol=Tol(1e-6, 1e-6))
    want = {"out": torch.full((3,), 2.0, dtype=torch.float64),
            "after.x": torch.ones(3, dtype=torch.float64)}
    doubled = Variant("doubled", lambda c: c.args["x"] * 4)
    assert _variant_match(doubled, case, {"out": torch.full((3,), 4.0)}, want)
    assert not _variant_match(doubled, case, {"out": torch.full((3,), 5.0)}, want)
    same = Variant("same as right", lambda c: c.args["x"] * 2)
    assert not _variant_match(same, case, {"out": torch.full((3,), 2.0)}, want)
    nan = Variant("nan", lambda c: c.args["x"] * float("nan"))
    assert not _variant_match(nan, case, {"out": torch.full((3,), 7.0)}, want)
    in_place = Variant("not updated", lambda c: {"after.x": c.args["x"] * 0}, keys=("after.x",))
    assert _variant_match(in_place, case, {"after.x": torch.zeros(3)}, want)
    # A mistake that is NaN where the answer is a number (it overflowed) is no evidence,
    # even when the learner's code is NaN there too: the overflow is the real mistake.
    all_nan = torch.full((3,), float("nan"))
    assert not _variant_match(nan, case, {"out": all_nan}, want)
    # ... but NaN in part, with a real difference elsewhere, still names the mistake
    # (flash attention with the diagonal masked: row 0 sees nothing, the others are off).
    part = Variant("part", lambda c: torch.tensor([float("nan"), 3.0, 3.0], dtype=c.args[
        "x"].dtype))
    assert _variant_match(part, case, {"out": torch.tensor([float("nan"), 3.0, 3.0])}, want)


def test_contract_signatures_with_shape_annotations_parse() -> None:
    assert contract_params("lstm_cell(x: Tensor[B, I], h: Tensor[B, H], w_ih: Tensor[4H, I])"
                           " -> tuple[Tensor[B, H], Tensor[B, H]]") == ["x", "h", "w_ih"]
    assert contract_params("cross_entropy(logits: Tensor[N, C], target: LongTensor[N]) "
                           "-> Tensor[]") == ["logits", "target"]

    def good(x, dim=-1, extra=None):  # type: ignore[no-untyped-def]
        return x

    def bad(logits):  # type: ignore[no-untyped-def]
        return logits

    sig = "softmax(x: Tensor, dim: int = -1) -> Tensor"
    assert signature_problem(good, "softmax", sig) is None
    assert "wrong signature" in (signature_problem(bad, "softmax", sig) or "")


def test_guard_catches_aliases_kernels_and_the_autograd_engine() -> None:
    ban = Ban(functions=("torch.softmax",), aten=("aten::_softmax",), autograd=True)
    x = torch.randn(3, 4)
    for route in (lambda: getattr(torch, "softmax")(x, -1),  # noqa: B009 - the point
                  lambda: torch.ops.aten._softmax.default(x, -1, False),
                  lambda: torch.nn.Softmax(-1)(x)):
        guard = Guard(ban)
        with pytest.raises(BannedCall), guard:
            route()
        assert guard.violations
    leaf = torch.randn(3, requires_grad=True)
    guard = Guard(ban)
    with pytest.raises(BannedCall), guard:
        torch.autograd.grad((leaf * leaf).sum(), leaf)
    assert "autograd" in guard.violations[0].what
    with Guard(ban) as ok:  # plain tensor code is fine
        (x - x.amax(-1, keepdim=True)).exp()
    assert ok.violations == []


def test_memory_watch_reports_the_largest_tensor() -> None:
    a = torch.ones(10, 20)
    with MemoryWatch() as mw:
        (a.T @ a).sum()  # a [20, 20] product: 400 elements, the largest made here
    assert mw.report.largest == 400 and "mm" in mw.report.op and mw.report.shapes == [(20, 20)]
