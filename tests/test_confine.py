"""What the sandbox may read: the roots, with hidden paths carved out exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.kata import confine
from study.kata.confine import _carve, _inside


@pytest.mark.parametrize(("path", "root", "inside"), [
    ("/a/b", "/a", True), ("/a", "/a", True), ("/ab", "/a", False), ("/a/b/c", "/a/b", True),
    ("/x", "/", True), ("/", "/", True), ("/a", "/a/b", False), ("/a/bc", "/a/b", False),
])
def test_inside_is_by_path_components(path: str, root: str, inside: bool) -> None:
    assert _inside(Path(path), Path(root)) is inside


def test_carving_keeps_the_siblings_and_drops_the_hidden(tmp_path: Path) -> None:
    for rel in ("lib/study/x.py", "lib/numpy/y.py", "lib/studyish/z.py", "share/doc.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    kept = _carve(tmp_path, [tmp_path / "lib" / "study"])
    assert sorted(kept) == [tmp_path / "lib" / "numpy", tmp_path / "lib" / "studyish",
                            tmp_path / "share"]
    assert _carve(tmp_path, [tmp_path]) == []
    assert _carve(tmp_path, [Path("/elsewhere")]) == [tmp_path]


def test_read_roots_hide_each_checks_paths_and_study_itself() -> None:
    study = confine.package_dir()
    here = Path(__file__).resolve()
    first = confine.read_roots([here])
    second = confine.read_roots([])  # the cached base, without this check's paths
    for roots in (first, second):
        assert not any(_inside(study, r) or _inside(r, study) for r in roots)
    assert not any(_inside(here, r) for r in first)
    assert any(_inside(here, r) for r in second) == any(_inside(here.parent, r) for r in second)
