"""The daily loop's rough edges: a missing editor, katas on the dashboard, the drill,
a broken settings file, the kata screen at 80 columns, browse and the palette."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_helpers import begin, check_result, opened, running, settle

from study.tui.screens.dashboard import DashboardScreen
from study.tui.screens.edit import EditFileScreen
from study.tui.screens.kata import KataScreen
from study.tui.screens.review import ReviewScreen

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.usefixtures("no_warm_worker")]





def text_of(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    widget = app.screen.query_one(selector)
    return str(getattr(widget, "renderable", None) or widget.render())


def footer_keys(app) -> set[str]:  # type: ignore[no-untyped-def]
    """The actions the footer offers now (what check_action allows)."""
    return {b.action for _, b, enabled, _ in app.active_bindings.values()
            if enabled and b.show}


def fake_editor(tmp_path: Path, body: str) -> Path:
    editor = tmp_path / "fake-editor"
    editor.write_text(f"#!{sys.executable}\nimport sys\n{body}\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    return editor


# -- the editor ------------------------------------------------------------------------------

@pytest.mark.parametrize("editor", ["no-such-editor-xyz", "failing"])
async def test_a_missing_or_failing_editor_falls_back_to_the_built_in_one(
        home: Path, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        editor: str) -> None:
    if editor == "failing":
        editor = str(fake_editor(tmp_path, "sys.exit(3)"))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor)
    async with running(home, root) as (app, pilot):
        await begin(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        await pilot.press("e")
        await pilot.pause()
        # not suspended, not blank: the built-in editor, at the card's line, with a message
        assert isinstance(app.screen, EditFileScreen)
        assert any("built-in editor" in n.message for n in app._notifications)
        area = app.screen.query_one("#file-editor")
        assert "deletion." in area.text
        card = app.study.content.card_for(review.entry.item.id)
        assert area.cursor_location[0] == card.ref.line - 1  # at the card's line
        assert app.focused is area
        area.load_text(area.text.replace("deletion.", "deletion, fixed.", 1))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is review
        assert "second deletion, fixed." in review.query_one("#front").source
        # Esc in the built-in editor changes nothing
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is review


async def test_a_missing_editor_in_a_kata_keeps_the_built_in_editor(
        home: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor-xyz --wait")
    async with running(home, root, new_per_day=0, size=(120, 40)) as (app, pilot):
        await begin(pilot)
        kata = app.screen
        assert isinstance(kata, KataScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.screen is kata
        assert "not found" in text_of(app, "#kata-status")
        assert app.focused is kata.query_one("#editor")
        await pilot.press("x")  # typing works at once: the app is not suspended
        assert "x" in kata.query_one("#editor").text


# -- katas in the plan -----------------------------------------------------------------------

async def test_dashboard_names_todays_katas_and_k_puts_them_first(home: Path,
                                                                  root: Path) -> None:
    async with running(home, root, new_per_day=3) as (app, pilot):
        today = text_of(app, "#today")
        assert "Numerically stable softmax" in today  # by name, not "kata 1"
        await pilot.press("k")
        await opened(app, pilot)
        assert app.study.settings.kata_first
        assert "(first)" in text_of(app, "#today")
        await begin(pilot)
        assert isinstance(app.screen, KataScreen)  # the kata before any card
        from study.settings import load_settings

        assert load_settings(home).kata_first  # saved for tomorrow too


# -- the drill -------------------------------------------------------------------------------

async def test_drill_starts_from_the_starter_and_q_leaves(home: Path, root: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from study.kata import client

    monkeypatch.setattr(client.KataClient, "check",
                        lambda self, request: check_result("softmax", passed=False))
    saved = home / "workspace" / "softmax" / "softmax.py"
    saved.parent.mkdir(parents=True)
    saved.write_text("def softmax(x, dim=-1):\n    return 'my earlier answer'\n")
    async with running(home, root, size=(120, 40)) as (app, pilot):
        await pilot.press("i")
        await pilot.pause()
        assert "start" in footer_keys(app) and "back" in footer_keys(app)
        await pilot.press("enter")
        await pilot.pause()
        kata = app.screen
        assert isinstance(kata, KataScreen) and kata.drill is not None
        assert "NotImplementedError" in kata.query_one("#editor").text  # the starter
        assert "my earlier answer" not in kata.query_one("#editor").text
        backups = list(saved.parent.glob("softmax.*.py.bak"))
        assert len(backups) == 1 and "my earlier answer" in backups[0].read_text()
        await pilot.press("escape", "q")  # asks first
        await pilot.pause()
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.screen is kata
        await pilot.press("q", "y")
        await pilot.pause()
        assert "Drill over" in text_of(app, "#drill-intro")
        assert "softmax." in text_of(app, "#drill-intro")  # where the earlier work is
        keys = footer_keys(app)
        assert "start" not in keys and "more" not in keys  # no "⏎ Start" after the drill
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


# -- a broken settings file ------------------------------------------------------------------

async def test_broken_settings_say_where_offer_what_works_and_open_settings(
        home: Path, root: Path) -> None:
    from study.tui.app import create_app
    from study.tui.screens.settings import SettingsScreen

    home.mkdir(parents=True)
    (home / "settings.toml").write_text("new_katas_per_day = 1\nnew_per_day = 'many'\n")
    app = create_app(home, roots=[(root, "bundled")])
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        today = text_of(app, "#today")
        assert "settings.toml" in today and "new_per_day" in today
        keys = footer_keys(app)
        assert {"settings", "edit_settings", "app.quit"} <= keys
        assert not keys & {"review", "drill", "browse", "stats", "kata_first"}
        await pilot.press("r", "b", "t")  # nothing happens, nothing breaks
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("comma")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert isinstance(app.focused, Input) and app.focused.id == "new_per_day"
        await pilot.press("7", "ctrl+s")  # typing replaces the field
        await opened(app, pilot)
        assert app.study is not None and app.study.settings.new_per_day == 7
        assert isinstance(app.screen, DashboardScreen)
        assert "Cannot open" not in text_of(app, "#today")
        assert "'many'" in (home / "settings.toml.bak").read_text()  # the old file is kept
    assert app.return_code in (None, 0)


async def test_settings_focuses_its_first_field(home: Path, root: Path) -> None:
    async with running(home, root) as (app, pilot):
        await pilot.press("comma")
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.id == "new_per_day"
        await pilot.press("4", "ctrl+s")
        await opened(app, pilot)
        assert app.study.settings.new_per_day == 4


# -- the kata screen at 80x24 -----------------------------------------------------------------

@pytest.mark.parametrize("size", [(80, 24), (119, 30), (120, 40)])
async def test_kata_panes_stack_below_120_columns(home: Path, root: Path,
                                                  size: tuple[int, int]) -> None:
    async with running(home, root, new_per_day=0, size=size) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        assert isinstance(screen, KataScreen)
        prompt = screen.query_one("#kata-prompt").region
        work = screen.query_one("#kata-work").region
        if size[0] < 120:
            assert prompt.width == work.width == size[0]  # stacked: full width each
            assert prompt.bottom <= work.y
        else:
            assert prompt.right <= work.x
        # the prompt scrolls from the keyboard: focus it, then keys move it
        screen.query_one("#kata-prompt").focus()
        await pilot.press("end")
        await pilot.pause()
        assert screen.query_one("#kata-prompt").scroll_y > 0 or \
            screen.query_one("#kata-prompt").max_scroll_y == 0


async def test_results_table_fits_its_width(home: Path, root: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from study.kata import client

    long = "with x[4, 10], dim=-1: " + "the values differ from the expected ones " * 6

    def fake_check(self, request):  # type: ignore[no-untyped-def]
        kata = request["kata"] if isinstance(request, dict) else request.kata
        return check_result(kata, passed=False, tests=[
            ("a very long case name for a check" * 2, False, long), ("ok", True, "")])

    monkeypatch.setattr(client.KataClient, "check", fake_check)
    async with running(home, root, new_per_day=0, size=(80, 24)) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        await pilot.press("ctrl+r")
        await settle(app)
        await pilot.pause()
        table = screen.query_one("#results")
        widths = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert widths <= table.size.width
        assert table.max_scroll_x == 0  # nothing hidden to the right
        detail = text_of(app, "#case-detail")
        assert "the values differ" in detail and "x[4, 10]" in detail  # the full message


# -- browse, palette --------------------------------------------------------------------------

async def test_browse_shows_plain_text_and_clears_the_detail(home: Path, root: Path) -> None:
    async with running(home, root, size=(120, 40)) as (app, pilot):
        await pilot.press("b")
        await pilot.pause()
        table = app.screen.query_one("#items")
        cells = [str(table.get_row_at(r)[3]) for r in range(table.row_count)]
        assert cells and not any("$" in c or "**" in c for c in cells)
        await pilot.press(*"zzzznothing")
        await pilot.pause()
        assert table.row_count == 0
        assert "Nothing matches" in text_of(app, "#detail-state")
        assert app.screen.query_one("#detail-text").source == ""


async def test_keys_is_once_in_the_palette(home: Path, root: Path) -> None:
    async with running(home, root) as (app, pilot):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("Keys") == 1



async def test_browse_fills_its_list_as_the_cursor_goes_down(home: Path, root: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    from study.tui.screens import browse

    monkeypatch.setattr(browse, "PAGE", 3)
    async with running(home, root, size=(120, 40)) as (app, pilot):
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#items")
        total = len(screen.shown)
        assert total > 6 and table.row_count == 3  # one page first
        await pilot.press("enter")  # into the list
        for _ in range(total):
            await pilot.press("down")
        await pilot.pause()
        assert table.row_count == total  # every match reachable


async def test_quitting_while_the_dashboard_loads_waits_for_its_queries(
        home: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite closed under a query in another thread crashes the process: the home is
    closed only once the dashboard's worker is done with it."""
    import time

    from study import stats
    from study.core import Study

    events: list[str] = []
    slow = stats.daily_reviews

    def daily(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("query")
        time.sleep(0.4)
        out = slow(*args, **kwargs)
        events.append("query done")
        return out

    closing = Study.close

    def close(self):  # type: ignore[no-untyped-def]
        events.append("close")
        return closing(self)

    monkeypatch.setattr(stats, "daily_reviews", daily)
    monkeypatch.setattr(Study, "close", close)
    from tui_helpers import make_app

    app = make_app(home, root)
    async with app.run_test() as pilot:
        for _ in range(300):
            await pilot.pause()
            if "query" in events:
                break
    assert events[:3] == ["query", "query done", "close"]


async def test_broken_settings_fixed_in_the_built_in_editor(
        home: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`e` on the dashboard of a broken settings file: the file in an editor (the built-in
    one when $EDITOR cannot run); saving it opens the home."""
    from study.tui.app import create_app

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor-xyz")
    home.mkdir(parents=True)
    (home / "settings.toml").write_text("new_per_day = 'many'\n")
    app = create_app(home, roots=[(root, "bundled")])
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(app, pilot)
        assert app.study is None
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditFileScreen)
        area = app.screen.query_one("#file-editor")
        assert "'many'" in area.text
        area.load_text("new_per_day = 6\n")
        await pilot.press("ctrl+s")
        await opened(app, pilot)
        assert app.study is not None and app.study.settings.new_per_day == 6
        assert isinstance(app.screen, DashboardScreen)
        assert "Cannot open" not in text_of(app, "#today")


async def test_browse_reuses_its_list_until_something_is_recorded(
        home: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from study.tui.screens import browse as screen

    built: list[int] = []
    real = screen.browse.rows

    def rows(study, now, items=None, states=None):  # type: ignore[no-untyped-def]
        if items is None:  # the whole list (the first page comes before it)
            built.append(1)
        return real(study, now, items, states)

    monkeypatch.setattr(screen.browse, "rows", rows)
    async with running(home, root, size=(120, 40)) as (app, pilot):
        for _ in range(2):
            await pilot.press("b")
            await pilot.pause()
            await settle(app)  # the whole list, built in a worker
            await pilot.press("enter")  # into the list
            await pilot.press("escape", "q")
            await pilot.pause()
        assert len(built) == 1  # nothing changed: the second opening reused it
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("enter", "s")  # suspend the first row: the log has news
        await pilot.pause()
        state = str(app.screen.query_one("#items").get_row_at(0)[2])
        await pilot.press("q")
        await pilot.pause()
        await settle(app)  # the dashboard's warm-up builds the list again (the log has news)
        await pilot.press("b")
        await pilot.pause()
        await settle(app)
        assert len(built) == 2
        assert str(app.screen.query_one("#items").get_row_at(0)[2]) == state  # as saved
