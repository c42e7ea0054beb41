"""Snapshots of the main screens at 80x24 and 120x40 (pytest-textual-snapshot).

A fixed clock, a temp home with two weeks of history and the small test
content make every frame reproducible. After an intended change of looks:
`python -m pytest tests/test_tui_snapshots.py --snapshot-update`, then look
at the new SVGs before committing them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from tui_helpers import NOW, content_with_kata, make_app, opened, settle

from study.core import open_study
from study.settings import Settings

pytestmark = pytest.mark.usefixtures("no_warm_worker")

SIZES = [(80, 24), (120, 40)]



def seeded_home(tmp_path: Path) -> tuple[Path, Path]:
    """Content plus a home with reviews on most of the last 14 days."""
    root = content_with_kata(tmp_path / "content")
    home = tmp_path / "home"
    with open_study(home, Settings(timezone="UTC", new_per_day=5), [(root, "bundled")]) as st:
        items = [it for it in st.items if it.id[:2] in ("a-", "b-")]  # basic cards
        for day in range(14, 0, -1):
            if day % 4 == 0:
                continue  # a few days off, so the heatmap has texture
            at = NOW - timedelta(days=day, hours=1)
            for k, it in enumerate(items[: 2 + day % 3]):
                st.store.grade(it.id, "card", 3 if (day + k) % 5 else 1, at + timedelta(
                    minutes=k), duration_ms=8000)
    return home, root


async def _open(pilot) -> None:  # type: ignore[no-untyped-def]
    await opened(pilot.app, pilot)


def keys(*pressed: str) -> Callable[[object], Awaitable[None]]:
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await _open(pilot)
        for key in pressed:
            await pilot.press(key)
            await pilot.pause()
        await settle(pilot.app)
        await quiet(pilot)

    return run


async def quiet(pilot) -> None:  # type: ignore[no-untyped-def]
    """Markdown renders in the background: give it time, so a busy machine draws the same.
    A blinking cursor would be on or off by chance: make it steady."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    for _ in range(3):
        await pilot.pause()
        await asyncio.sleep(0.1)
    await pilot.wait_for_scheduled_animations()


SCREENS = {
    "dashboard": keys(),
    "review_front": keys("r"),
    "review_back": keys("r", "space"),
    "browse": keys("b"),
    "stats": keys("t"),
    "help": keys("question_mark"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, tmp_path: Path, screen: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    home, root = seeded_home(tmp_path)
    app = make_app(home, root)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])


async def open_kata(pilot) -> None:  # type: ignore[no-untyped-def]
    from study.tui.screens.kata import KataScreen

    await _open(pilot)
    pilot.app.push_screen(KataScreen("softmax"))
    await pilot.pause()
    await pilot.press("ctrl+g")  # one hint shown
    await quiet(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_kata_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    home, root = seeded_home(tmp_path)
    app = make_app(home, root)
    assert snap_compare(app, terminal_size=size, run_before=open_kata)
