"""Every kata in the repository: metadata valid, reference passes, starter fails, and
every known wrong solution under tests/katas/<id>/ is rejected with the message its
`# expect:` line names."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from study.loader import load
from study.paths import bundled_root

pytest.importorskip("torch")

from study.kata.devrun import check  # noqa: E402
from study.kata.judge import warm_up  # noqa: E402

EXERCISES = REPO / "exercises"
KATAS = sorted(p.parent.name for p in EXERCISES.glob("*/kata.yaml"))
WRONG = sorted(
    (p.parent.name, p) for p in (REPO / "tests" / "katas").glob("*/*.py")
    if p.parent.name in KATAS
)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm_up()


def test_kata_metadata_is_valid() -> None:
    result = load([(bundled_root(), "bundled")])
    assert [str(p) for p in result.problems] == []
    assert sorted(result.content.katas) == KATAS


@pytest.mark.parametrize("kata", KATAS)
def test_reference_passes(kata: str) -> None:
    result = check(EXERCISES / kata, EXERCISES / kata / "solution.py")
    failures = [f"{t.name}: {t.message}" for t in result.tests if not t.passed]
    assert result.passed, (result.message, failures[:3], result.output)


@pytest.mark.parametrize("kata", KATAS)
def test_starter_fails(kata: str) -> None:
    result = check(EXERCISES / kata, EXERCISES / kata / "starter.py")
    assert result.status == "fail" and not result.usage_error
    assert "NotImplementedError" in result.tests[0].message


@pytest.mark.parametrize(("kata", "path"), WRONG, ids=[f"{k}/{p.stem}" for k, p in WRONG])
def test_wrong_solution_is_rejected_with_a_teaching_message(kata: str, path: Path) -> None:
    expect = next(line.split(":", 1)[1].strip() for line in path.read_text().splitlines()
                  if line.startswith("# expect:"))
    result = check(EXERCISES / kata, path)
    assert not result.passed
    messages = [t.message for t in result.tests if not t.passed] + [result.message]
    assert any(expect in m for m in messages), messages[:3]


def test_every_kata_has_enough_wrong_solutions() -> None:
    katas = load([(bundled_root(), "bundled")]).content.katas
    for kata in KATAS:
        files = [p for k, p in WRONG if k == kata]
        assert len([p for p in files if p.stem.startswith("wrong_")]) >= 3, kata
        if katas[kata].banned:  # a kata that bans something shows a disguised attempt caught
            assert any(p.stem.startswith("banned_") for p in files), kata


DRIVES = sorted(p.parent.name for p in EXERCISES.glob("*/drive.py"))


@pytest.mark.parametrize("kata", DRIVES)
def test_drive_holds_no_answers(kata: str) -> None:
    """drive.py runs in the sandbox beside the learner's code: it may import only torch,
    math and the toolkit (never the checker, the solution or anything that reads files),
    and defines how to call the solution, not what the answer is."""
    import ast

    tree = ast.parse((EXERCISES / kata / "drive.py").read_text())
    allowed = ("torch", "math", "study.kata.toolkit")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        for module in modules:
            assert module in allowed or module.startswith("torch."), (kata, module)
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    names |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
              if isinstance(t, ast.Name)}
    assert "drive" in names
    assert not names & {"reference", "VARIANTS", "cases", "check", "diagnose", "BAN"}, kata


@pytest.mark.parametrize("kata", KATAS)
def test_checker_does_not_define_drive(kata: str) -> None:
    import ast

    tree = ast.parse((EXERCISES / kata / "check.py").read_text())
    assert "drive" not in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}, kata


def test_a_solution_may_use_tempfile_once_the_host_has_settled(tmp_path: Path) -> None:
    """The sandbox host imports torch._dynamo while idle, which caches /tmp as tempfile's
    folder; each sandbox points tempfile at its own folder, where the solution may write."""
    import time

    folder = EXERCISES / "softmax"
    assert check(folder, folder / "solution.py").passed  # served a check: it settles when idle
    time.sleep(4)
    solution = tmp_path / "softmax_scratch.py"
    solution.write_text(
        "import os, tempfile\n" + (folder / "solution.py").read_text() +
        "\n_inner = softmax\n"
        "def softmax(x, dim=-1):\n"
        "    with tempfile.NamedTemporaryFile('w', delete=False) as f:\n"
        "        f.write('scratch')\n"
        "    assert os.path.dirname(f.name) == tempfile.gettempdir() != '/tmp'\n"
        "    return _inner(x, dim)\n")
    result = check(folder, solution)
    assert result.passed, (result.message, [t.message for t in result.tests][:2])
