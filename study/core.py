"""The headless core: one object that ties home, settings, content and store.

Everything above it (the CLI, the line-mode review, the TUI) goes through
here; nothing here imports Textual or torch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from study import clock
from study.clock import DayClock
from study.models import Content, ContentIndex, Item, Problem
from study.paths import content_roots, ensure_home, resolve_home
from study.scheduler import SchedulerConfig, Srs
from study.settings import Settings, load_settings
from study.store import DB_FILE, Store


@dataclass
class Study:
    home: Path
    settings: Settings
    index: ContentIndex  # what planning needs
    store: Store
    srs: Srs
    days: DayClock
    problems: list[Problem] = field(default_factory=list)
    _load_full: Callable[[], Content] | None = None
    _content: Content | None = None
    _roots: list[tuple[Path, str]] | None = None  # injected roots (tests), else from settings
    _content_lock: threading.Lock = field(default_factory=threading.Lock, repr=False,
                                          compare=False)

    def now(self) -> datetime:
        return clock.now()

    @property
    def items(self) -> list[Item]:
        return self.index.items

    @property
    def content(self) -> Content:
        """Everything, card texts included; loaded on first use (the index is enough to plan).
        The app may load it in a worker thread: a second reader waits for that load."""
        if self._content is None:
            with self._content_lock:
                if self._content is None:
                    assert self._load_full is not None
                    self._content = self._load_full()
        return self._content

    def reload_content(self) -> list[Problem]:
        """Read the content again (after an edit); the store and its history stay."""
        with self._content_lock:  # not while a worker is still loading the old one
            self.index, self.problems, self._load_full = _load(
                self.home, self.settings, self._roots)
            self._content = None
        return self.problems

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Study:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_srs(settings: Settings) -> Srs:
    return Srs(SchedulerConfig(
        desired_retention=settings.desired_retention,
        maximum_interval=settings.maximum_interval,
        leech_threshold=settings.leech_threshold,
        leech_action=settings.leech_action,
    ))


def open_study(
    home: str | Path | None = None,
    settings: Settings | None = None,
    roots: list[tuple[Path, str]] | None = None,
) -> Study:
    """Open the study home (created if missing). Content problems are kept, not raised.

    `settings` and `roots` (content directories with their origin) let tests
    and tools inject their own instead of the home's settings file and the
    bundled content.
    """
    home_path = ensure_home(resolve_home(home))
    settings = settings or load_settings(home_path)
    days = DayClock(clock.local_zone(settings.timezone), settings.day_rollover_hour)
    srs = make_srs(settings)
    store = Store(home_path / DB_FILE, srs, days)
    if store.finished_import:  # an interrupted import's settings were just written
        try:
            settings = load_settings(home_path)
        except BaseException:
            store.close()
            raise
        days = DayClock(clock.local_zone(settings.timezone), settings.day_rollover_hour)
        srs = make_srs(settings)
        store.srs, store.days = srs, days
    try:
        index, problems, full = _load(home_path, settings, roots)
    except BaseException:
        store.close()
        raise
    return Study(home_path, settings, index, store, srs, days, problems, full, _roots=roots)


def open_study_readonly(home: str | Path | None = None) -> Study:
    """The home as it is, for reading only (the app's preview of today, worked out while
    the app starts): nothing is created, migrated or written but the content cache. Raises
    where the home is not ready for that (missing, broken, to be migrated)."""
    home_path = resolve_home(home)
    settings = load_settings(home_path)
    days = DayClock(clock.local_zone(settings.timezone), settings.day_rollover_hour)
    srs = make_srs(settings)
    store = Store.reader(home_path / DB_FILE, srs, days)
    try:
        index, problems, full = _load(home_path, settings, None)
    except BaseException:
        store.close()
        raise
    return Study(home_path, settings, index, store, srs, days, problems, full)


def _load(
    home: Path, settings: Settings, roots: list[tuple[Path, str]] | None
) -> tuple[ContentIndex, list[Problem], Callable[[], Content]]:
    if roots is None:
        from study.contentcache import cached_load

        return cached_load(content_roots(settings, home), home)
    from study.loader import load

    result = load(roots)
    content = result.content
    return ContentIndex.of(content), result.problems, lambda: content
