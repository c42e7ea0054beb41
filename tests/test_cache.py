"""The content cache: fast starts, never stale."""

from __future__ import annotations

import os
import time
from pathlib import Path

from conftest import write_mini

from study.contentcache import CACHE_DIR, FULL_FILE, INDEX_FILE, cached_load


def roots(root: Path) -> list[tuple[Path, str]]:
    return [(root, "user")]


def test_second_load_comes_from_the_cache(tmp_path: Path) -> None:
    root = write_mini(tmp_path / "c")
    home = tmp_path / "home"
    index, problems, full = cached_load(roots(root), home)
    assert (home / CACHE_DIR / INDEX_FILE).exists() and (home / CACHE_DIR / FULL_FILE).exists()
    again, _, full2 = cached_load(roots(root), home)
    assert [i.id for i in again.items] == [i.id for i in index.items]
    assert full2().cards["a-0"].front == "alpha question 0"
    assert problems == []


def test_an_edit_invalidates_the_cache(tmp_path: Path) -> None:
    root = write_mini(tmp_path / "c")
    home = tmp_path / "home"
    cached_load(roots(root), home)
    f = root / "cards" / "basics" / "alpha.yaml"
    f.write_text(f.read_text().replace("alpha question 0", "edited question"))
    later = time.time() + 5
    os.utime(f, (later, later))  # a coarse-mtime file system must still notice
    _, _, full = cached_load(roots(root), home)
    assert full().cards["a-0"].front == "edited question"
    # A new file is noticed too, and a removed one.
    (root / "cards" / "basics" / "delta.yaml").write_text(
        "topic: beta\ncards:\n  - {id: d-1, type: basic, front: f, back: b, tags: [], "
        "source: s}\n")
    index, _, _ = cached_load(roots(root), home)
    assert "d-1" in {i.id for i in index.items}
    (root / "cards" / "basics" / "delta.yaml").unlink()
    index, _, _ = cached_load(roots(root), home)
    assert "d-1" not in {i.id for i in index.items}


def test_a_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    root = write_mini(tmp_path / "c")
    home = tmp_path / "home"
    cached_load(roots(root), home)
    (home / CACHE_DIR / INDEX_FILE).write_bytes(b"garbage")
    (home / CACHE_DIR / FULL_FILE).write_bytes(b"")
    index, problems, full = cached_load(roots(root), home)
    assert len(index.items) == 12 and full().cards["a-1"].back == "alpha answer 1"


def test_problems_are_cached_too(tmp_path: Path) -> None:
    root = write_mini(tmp_path / "c")
    (root / "cards" / "basics" / "bad.yaml").write_text("topic: alpha\ncards: 3\n")
    home = tmp_path / "home"
    _, first, _ = cached_load(roots(root), home)
    _, second, _ = cached_load(roots(root), home)
    assert first == second and "cards must be a list" in str(first[0])
