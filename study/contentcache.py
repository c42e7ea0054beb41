"""A cache of loaded content, so a home with 10,000 cards opens in milliseconds.

Two pickles under the home: a small index (topics, katas, the item list,
problems) that every start reads, and the full content (card texts) that is
read only when a card is shown. Both are keyed by the study version and the
path, size and mtime of every content file: any edit reloads everything.
`study content check` never uses the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from study import __version__
from study.discovery import KATA_FILES, discover
from study.models import Content, ContentIndex, Problem
from study.paths import CACHE_DIR

INDEX_FILE = "content-index.pickle"
FULL_FILE = "content-full.pickle"


def fingerprint(roots: list[tuple[Path, str]]) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}\0{pickle.HIGHEST_PROTOCOL}\0".encode())
    for root, origin in roots:
        h.update(f"root\0{root}\0{origin}\0".encode())
        for f in discover(root, origin):
            paths = [f.path]
            if f.kind == "kata":
                paths += [f.path.parent / name for name in KATA_FILES]
            for p in paths:
                try:
                    st = os.stat(p)
                    h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
                except OSError:
                    h.update(f"{p}\0missing\0".encode())
    return h.hexdigest()


def _read(path: Path, key: str) -> Any:
    try:
        with open(path, "rb") as fh:
            stored_key, value = pickle.load(fh)
        return value if stored_key == key else None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError,
            ImportError):
        return None  # missing, stale or from another version: load from the files


def _write(path: Path, key: str, value: Any) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        # A read-only or full disk: the home still works, just slower; and a half-written
        # temp file must not stay behind to keep the disk full.
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _full_load(roots: list[tuple[Path, str]], home: Path, key: str) -> tuple[Content, list]:
    from study.loader import load  # imports yaml: only on a cache miss

    result = load(roots)
    _write(home / CACHE_DIR / FULL_FILE, key, result.content)
    _write(home / CACHE_DIR / INDEX_FILE, key, (ContentIndex.of(result.content), result.problems))
    return result.content, result.problems


def cached_load(
    roots: list[tuple[Path, str]], home: Path
) -> tuple[ContentIndex, list[Problem], Callable[[], Content]]:
    """The index and problems now, and a function that returns the full content."""
    key = fingerprint(roots)
    cached = _read(home / CACHE_DIR / INDEX_FILE, key)
    if cached is not None:
        index, problems = cached

        def full() -> Content:
            content = _read(home / CACHE_DIR / FULL_FILE, key)
            return content if content is not None else _full_load(roots, home, key)[0]

        return index, problems, full
    content, problems = _full_load(roots, home, key)
    return ContentIndex.of(content), problems, lambda: content
