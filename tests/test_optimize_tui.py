"""The app's FSRS screen (Stats, then `f`): the health check and the workload curve."""

from __future__ import annotations

from pathlib import Path

import fsrs_synth as synth
import pytest
from tui_helpers import content_with_kata, running, settle, stored

from study import optimize as opt
from study.tui.screens.stats import StatsScreen

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.usefixtures("no_warm_worker")]



def text(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    widget = app.screen.query_one(selector)
    return str(getattr(widget, "renderable", None) or widget.render())


async def test_stats_shows_the_fit_and_marks_the_setting(tmp_path: Path) -> None:
    root = content_with_kata(tmp_path / "content")
    home = tmp_path / "home"
    with stored(home, root) as st:
        synth.write(st.store.conn, synth.history(synth.TRUTH, cards=300, days=90, seed=5))
        st.store.rebuild()
        result = opt.run(st.store, "card", st.now())
        assert result.extra["applied"]
    async with running(home, root, size=(120, 40), desired_retention=0.85) as (app, pilot):
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)  # the section is part of Stats
        await pilot.press("f")  # scrolls to it
        await pilot.pause()
        await settle(app)
        await pilot.pause()
        state = text(app, "#fsrs-state")
        assert f"cards: fitted on {result.reviews} reviews" in state
        assert "katas: FSRS's defaults" in state
        health = app.screen.query_one("#fsrs-health")
        assert health.row_count == 2  # defaults and the fitted set, for cards
        curve = text(app, "#fsrs-workload")
        assert curve.count("min/day") == 7  # 0.70 ... 0.97, 0.85 among them
        marked = [line for line in curve.splitlines() if "your setting" in line]
        assert len(marked) == 1 and marked[0].startswith("85%")
        assert app.screen.query_one("#stats-fsrs").region.y < 40  # on screen after `f`
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


@pytest.mark.parametrize("enabled", [True, False])
async def test_the_app_refits_in_the_background_and_says_what_changed(
        tmp_path: Path, enabled: bool) -> None:
    from study.tui import autofit

    root = content_with_kata(tmp_path / "content")
    home = tmp_path / "home"
    with stored(home, root) as st:
        synth.write(st.store.conn, synth.history(synth.TRUTH, cards=300, days=90, seed=5))
        st.store.rebuild()
    async with running(home, root, auto_optimize=enabled) as (app, pilot):
        said: list[str] = []
        app.notify = lambda message, **_: said.append(str(message))  # type: ignore[method-assign]
        autofit.start(app, delay=0)
        await settle(app)
        await pilot.pause()
        with stored(home, root) as st:
            sets = opt.active_stack(st.store, "card")
        if not enabled:
            assert said == [] and sets == []
            return
        assert len(said) == 1 and "now in use" in said[0], said
        assert len(sets) == 1
        # the app's own store schedules with the new set from its next grade on
        app.study.store.grade("syn-new", "card", 3, app.study.now())
        assert app.study.srs.parameters("card") == pytest.approx(sets[0][1])
        said.clear()
        autofit.start(app, delay=0)  # once a day at most
        await settle(app)
        assert said == []


async def test_opening_the_app_starts_the_re_fit_after_the_first_screens(tmp_path: Path) -> None:
    import asyncio

    root = content_with_kata(tmp_path / "content")
    home = tmp_path / "home"
    with stored(home, root) as st:
        synth.write(st.store.conn, synth.history(synth.TRUTH, cards=300, days=90, seed=5))
        st.store.rebuild()
    async with running(home, root) as (app, pilot):
        with stored(home, root) as st:
            assert opt.active_stack(st.store, "card") == []  # not while the app opens
        await asyncio.sleep(3.5)
        await settle(app)
        await pilot.pause()
        with stored(home, root) as st:
            assert len(opt.active_stack(st.store, "card")) == 1
