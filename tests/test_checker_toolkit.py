"""The checker toolkit's helpers: dtype cases, sibling modules, the output dtype rule."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from study.kata.compare import float_dtype_of  # noqa: E402
from study.kata.toolkit import Case, Tol, also_in, in_dtype, sibling  # noqa: E402


def test_in_dtype_converts_every_float_tensor_and_nothing_else() -> None:
    case = Case("c", {"x": torch.ones(2), "idx": torch.arange(3), "batch": [(torch.ones(1), 4)],
                      "p": 0.5}, tol=Tol(1e-6, 1e-6), extra={"k": 1})
    d = in_dtype(case, torch.float64)
    assert d.name == "c, in float64"
    assert d.args["x"].dtype == torch.float64 and d.args["idx"].dtype == torch.int64
    assert d.args["batch"][0][0].dtype == torch.float64 and d.args["batch"][0][1] == 4
    assert d.args["p"] == 0.5 and d.tol == case.tol and d.extra == {"k": 1}
    assert case.args["x"].dtype == torch.float32  # the original is untouched
    assert in_dtype(case, torch.float16, Tol(1e-2, 1e-2)).tol == Tol(1e-2, 1e-2)


def test_also_in_repeats_a_typical_case_after_the_others() -> None:
    @also_in(torch.float64)
    def cases():  # type: ignore[no-untyped-def]
        for n in (1, 50, 7, 3, 1000):
            yield Case(f"n={n}", {"x": torch.ones(n)})

    made = list(cases())
    assert [c.name for c in made[:5]] == ["n=1", "n=50", "n=7", "n=3", "n=1000"]
    assert made[5].name == "n=7, in float64" and made[5].args["x"].dtype == torch.float64

    @also_in(torch.float64, torch.float16, pick=0)
    def picked():  # type: ignore[no-untyped-def]
        yield Case("first", {"x": torch.ones(2)})
        yield Case("second", {"x": torch.ones(3)})

    assert [c.name for c in picked()][2:] == ["first, in float64", "first, in float16"]


def test_the_float_outputs_take_the_dtype_of_the_first_float_input_even_in_a_list() -> None:
    assert float_dtype_of(Case("c", {"i": torch.arange(2), "x": torch.ones(1).double()})) == \
        torch.float64
    batch = [(torch.arange(2), 0), (torch.ones(2, dtype=torch.float16), 1)]
    assert float_dtype_of(Case("c", {"batch": batch})) == torch.float16
    assert float_dtype_of(Case("c", {"n": 3})) == torch.float32


def test_sibling_loads_the_file_beside_the_checker(tmp_path: Path) -> None:
    (tmp_path / "drive.py").write_text("VALUE = 41 + 1\n")
    checker = tmp_path / "check.py"
    assert sibling(str(checker), "drive").VALUE == 42
    with pytest.raises((ImportError, FileNotFoundError)):
        sibling(str(checker), "missing")
