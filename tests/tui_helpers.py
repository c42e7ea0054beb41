"""Shared set-up for the TUI tests: a small content tree with one real kata, a fixed clock."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from conftest import REPO, write_mini
from textual.worker import WorkerCancelled

from study.core import Study, open_study
from study.settings import Settings
from study.tui.app import StudyApp, create_app

NOW = datetime.fromisoformat("2026-03-02T09:00:00+00:00")


class Clock:
    """A clock tests can move: `clock.now` is what the app reads."""

    def __init__(self, at: datetime = NOW) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def content_with_kata(root: Path) -> Path:
    """The mini curriculum plus the real softmax kata on its first topic."""
    write_mini(root)
    dest = root / "exercises" / "softmax"
    shutil.copytree(REPO / "exercises" / "softmax", dest,
                    ignore=shutil.ignore_patterns("__pycache__"))
    meta = dest / "kata.yaml"
    text = re.sub(r"(?m)^topic: .*$", "topic: alpha", meta.read_text())
    text = re.sub(r"(?m)^also_topics: .*$", "also_topics: []", text)
    meta.write_text(text)
    return root


def make_app(home: Path, root: Path, clock: Clock | None = None,
             **settings: object) -> StudyApp:
    s = Settings(**{"timezone": "UTC", "new_per_day": 5, **settings})  # type: ignore[arg-type]
    return create_app(home, settings=s, roots=[(root, "bundled")],
                      now=(clock or Clock()).now)


async def opened(app: StudyApp, pilot: object) -> None:
    """Wait until the home is open and the dashboard has filled in (or failed to)."""
    from study.tui.screens.dashboard import DashboardScreen

    for _ in range(500):
        with contextlib.suppress(WorkerCancelled):  # a reload replaced an earlier one
            await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
        dash = next((s for s in app.screen_stack if isinstance(s, DashboardScreen)), None)
        if app.open_error or (dash is not None and dash.loaded and app.study is not None):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the dashboard never filled in")


async def settle(app: StudyApp) -> None:
    """Wait for running workers (a check, a reload); a replaced reload is not an error."""
    with contextlib.suppress(WorkerCancelled):
        await app.workers.wait_for_complete()


@contextlib.asynccontextmanager
async def running(home: Path, root: Path, clock: Clock | None = None,
                  size: tuple[int, int] = (100, 30),
                  **settings: object) -> AsyncIterator[tuple[StudyApp, Any]]:
    """The app on a temp home, in a headless terminal, opened and drawn."""
    app = make_app(home, root, clock, **settings)
    async with app.run_test(size=size) as pilot:
        await opened(app, pilot)
        yield app, pilot


async def begin(pilot: Any) -> None:
    """`r` on the dashboard: today's session starts."""
    await pilot.press("r")
    await pilot.pause()


@contextlib.contextmanager
def stored(home: Path, root: Path) -> Iterator[Study]:
    """The same home opened separately: what is on disk, as a crash would leave it."""
    with open_study(home, Settings(timezone="UTC"), [(root, "bundled")]) as st:
        yield st


def check_result(kata: str, passed: bool, tests: list[tuple[str, bool, str]] | None = None
                 ) -> Any:
    """A judge answer, for tests that stand in for the kata worker: the typed result where
    the judge has one, else its dict. `tests`: (name, passed, message) per case."""
    cases = tests if tests is not None else [("case", passed, "" if passed else "wrong")]
    try:
        from study.kata.result import CheckResult, TestResult
    except ImportError:
        return {"kata": kata, "passed": passed, "status": "passed" if passed else "failed",
                "device": "cpu", "duration_s": 0.1,
                "tests": [{"name": n, "passed": p, "message": m} for n, p, m in cases]}
    return CheckResult(kata, "pass" if passed else "fail", device="cpu", duration_s=0.1,
                       tests=[TestResult(n, "pass" if p else "fail", m) for n, p, m in cases])


async def answer(app, pilot, rating: str = "3") -> str:  # type: ignore[no-untyped-def]
    """Reveal (or answer) the card on screen and grade it; returns its id."""
    screen = app.screen
    item_id = screen.entry.item.id
    card = app.study.content.card_for(item_id)
    if card.type == "typed":
        await pilot.press(*card.answers[0], "enter")
    else:
        await pilot.press("space")
    await pilot.press(rating)
    await pilot.pause()
    return item_id


async def reach(app, pilot, card_id: str, grades: int = 40) -> None:  # type: ignore[no-untyped-def]
    """Grade the cards before `card_id` (Good) until it is the one on screen."""
    for _ in range(grades):
        if app.screen.entry.item.id == card_id:
            return
        await answer(app, pilot)
    assert app.screen.entry.item.id == card_id


def add_card(root: Path, card_id: str, front: str, back: str) -> None:
    """A basic card on topic alpha, in a file of its own under `root`'s cards."""
    (root / "cards" / "basics" / f"{card_id}.yaml").write_text(
        f"topic: alpha\ncards:\n  - id: {card_id}\n    type: basic\n"
        f"    front: {front}\n    back: |\n"
        + "".join(f"      {line}\n" for line in back.splitlines())
        + "    tags: []\n    source: test\n")
