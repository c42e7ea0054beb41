"""The headless core: one object that ties home, settings, content and store.

Everything above it (the CLI, the line-mode review, the TUI) goes through
here; nothing here imports Textual or torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from study import clock
from study.clock import DayClock
from study.loader import LoadResult, load
from study.models import Content, Item
from study.paths import bundled_root, resolve_home
from study.scheduler import SchedulerConfig, Srs
from study.settings import Settings, load_settings
from study.store import DB_FILE, Store


def content_roots(settings: Settings, home: Path) -> list[tuple[Path, str]]:
    roots = [(bundled_root(), "bundled")] if settings.bundled_content else []
    for d in settings.content_dirs:
        p = Path(d).expanduser()
        if not p.is_absolute():
            p = home / p
        roots.append((p.resolve(), "user"))
    return roots


def load_content(settings: Settings, home: Path) -> LoadResult:
    return load(content_roots(settings, home))


@dataclass
class Study:
    home: Path
    settings: Settings
    content: Content
    store: Store
    srs: Srs
    days: DayClock
    problems: list = field(default_factory=list)
    _items: list[Item] | None = None

    def now(self) -> datetime:
        return clock.now()

    @property
    def items(self) -> list[Item]:
        if self._items is None:
            self._items = self.content.items()
        return self._items

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
    home_path = resolve_home(home)
    home_path.mkdir(parents=True, exist_ok=True)
    settings = settings or load_settings(home_path)
    days = DayClock(clock.local_zone(settings.timezone), settings.day_rollover_hour)
    srs = make_srs(settings)
    result = load(roots) if roots is not None else load_content(settings, home_path)
    store = Store(home_path / DB_FILE, srs, days)
    return Study(home_path, settings, result.content, store, srs, days, result.problems)
