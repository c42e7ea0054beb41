"""Today's counts, worked out in a forked process while the app starts (study/todaypreview.py):
the same text the app draws, ready for its first frame, and never a write to the home."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from study import migrations
from study.core import open_study
from study.session import Session
from study.todaypreview import start, today_box
from study.tui.app import StudyApp, create_app

NOW = "2026-03-02T09:00:00Z"
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.usefixtures("no_warm_worker")]


@pytest.fixture
def studied(root: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home on the test content (through the environment, as the app finds it), with a
    few cards graded today."""
    monkeypatch.setenv("STUDY_HOME", str(home))
    monkeypatch.setenv("STUDY_BUNDLED_CONTENT", "0")
    monkeypatch.setenv("STUDY_CONTENT_DIRS", str(root))
    monkeypatch.setenv("STUDY_NOW", NOW)
    with open_study(home) as study:
        now = study.now()
        for entry in Session(study).plan(now).entries[:3]:
            study.store.grade(entry.item.id, entry.item.kind, 3, now)
    return home


def expected(home: Path) -> tuple[str, str]:
    with open_study(home) as study:
        now = study.now()
        plan = Session(study).plan(now)
        return today_box(plan, study.days.day_of(now), study.index.katas,
                         study.settings.kata_first)


def digest(home: Path) -> dict[str, str]:
    """The database and its log's contents. (A read-only opening of a WAL database makes an
    empty log and the shared-memory index when they are missing: no data in either.)"""
    files = {p.name: p.read_bytes() for p in sorted(home.glob("study.db*"))
             if p.name != "study.db-shm"}
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()
            if data or name == "study.db"}


def test_the_preview_is_what_the_app_draws(studied: Path) -> None:
    title, box = expected(studied)
    assert "3 done today" in box
    before = digest(studied)
    preview = start(studied)
    assert preview is not None
    data = preview.take(wait=60)
    assert data is not None and data["title"] == title and data["today"] == box
    assert preview.done and preview.take() == data  # answered once, kept
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(preview.pid, os.WNOHANG)
    assert digest(studied) == before  # read, never written


def test_no_preview_of_a_home_that_is_missing_or_to_be_migrated(
        studied: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    preview = start(missing)
    assert preview is not None and preview.take(wait=60) is None
    assert not missing.exists()  # nothing created

    import sqlite3

    with sqlite3.connect(studied / "study.db") as conn:  # an older schema: the app migrates
        conn.execute(f"PRAGMA user_version = {migrations.LATEST - 1}")
    before = digest(studied)
    preview = start(studied)
    assert preview is not None and preview.take(wait=60) is None
    assert digest(studied) == before


def test_no_preview_when_switched_off(studied: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDY_PREVIEW", "0")
    assert start(studied) is None


async def test_the_first_frame_has_the_counts(studied: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """With the preview done, the dashboard's first frame holds today's counts, before the
    app has opened the home at all (its own opening is held back here)."""
    title, box = expected(studied)
    preview = start(studied)
    assert preview is not None and preview.take(wait=60) is not None
    monkeypatch.setattr(StudyApp, "open_study", lambda self: None)
    app = create_app(preview=preview)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.study is None
        today = app.screen.query_one("#today")
        assert str(today.render()) == str(type(today)(box).render())
        assert "3 done today" in str(today.render())


async def test_a_late_preview_follows_the_first_frame(studied: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Not ready for the first frame: it is drawn when it comes (the app's own opening held
    back, so the preview is all there is)."""
    _, box = expected(studied)
    preview = start(studied)
    assert preview is not None
    monkeypatch.setattr(StudyApp, "open_study", lambda self: None)
    app = create_app(preview=preview)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if "3 done today" in str(app.screen.query_one("#today").render()):
                break
        assert "3 done today" in str(app.screen.query_one("#today").render())


async def test_a_key_pressed_while_the_home_opens_waits_for_it(
        studied: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The counts (and `r resume`) can be on screen before the home is open: `r` then is
    kept, and runs once it is, rather than lost."""
    from study.tui.screens.review import ReviewScreen

    preview = start(studied)
    assert preview is not None and preview.take(wait=60) is not None
    really_open = StudyApp.open_study
    monkeypatch.setattr(StudyApp, "open_study", lambda self: None)
    app = create_app(preview=preview)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "resume (3 done today)" in str(app.screen.query_one("#today").render())
        await pilot.press("r")
        await pilot.pause()
        assert app.study is None and not isinstance(app.screen, ReviewScreen)
        really_open(app)  # the home opens now
        for _ in range(600):
            await pilot.pause(0.05)
            if isinstance(app.screen, ReviewScreen):
                break
        assert isinstance(app.screen, ReviewScreen)
