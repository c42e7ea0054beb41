"""The TUI driven with Textual's pilot: every flow a learner uses, on a temp home."""

from __future__ import annotations

import os
import stat
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from tui_helpers import (
    Clock,
    add_card,
    answer,
    begin,
    check_result,
    opened,
    reach,
    running,
    settle,
    stored,
)

from study.settings import load_settings
from study.tui.screens.browse import BrowseScreen
from study.tui.screens.dashboard import DashboardScreen
from study.tui.screens.kata import KataScreen
from study.tui.screens.review import ReviewScreen
from study.tui.screens.summary import SummaryScreen

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.usefixtures("no_warm_worker")]





def grades(home: Path, root: Path) -> list[tuple[str, int]]:
    """What is in the database, read by a separate connection (what a crash would leave)."""
    with stored(home, root) as st:
        rows = st.store.conn.execute(
            f"SELECT item_id, rating FROM reviews WHERE {st.store._LIVE_GRADES} ORDER BY id")
        return [(r[0], r[1]) for r in rows]


def text_of(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    widget = app.screen.query_one(selector)
    return str(getattr(widget, "renderable", None) or widget.render())


def markdown_of(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one(selector).source


async def test_dashboard_shows_todays_plan(home: Path, root: Path) -> None:
    async with running(home, root) as (app, pilot):
        assert isinstance(app.screen, DashboardScreen)
        today = text_of(app, "#today")
        assert "new" in today and "5" in today  # new_per_day = 5
        assert "start today's session" in today
        assert "softmax" in today  # the kata of the day
        assert "Monday 02 March 2026" in text_of(app, "#title")
        assert app.screen.query_one("#tracks").row_count == 1


async def test_review_grades_are_committed_before_the_next_card(home: Path, root: Path) -> None:
    async with running(home, root) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        first = screen.entry.item.id
        assert not screen.query_one("#back").display
        await pilot.press("space")
        assert screen.revealed and screen.query_one("#back").display
        bar = text_of(app, "#grades")
        for name in ("Again", "Hard", "Good", "Easy"):
            assert name in bar
        await pilot.press("3")
        await pilot.pause()
        # On disk before the next card is on screen:
        assert grades(home, root) == [(first, 3)]
        assert screen.entry.item.id != first
        assert "saved" in text_of(app, "#status")


async def test_undo_suspend_bury(home: Path, root: Path) -> None:
    async with running(home, root) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        first = screen.entry.item.id
        await pilot.press("space", "4")
        assert grades(home, root) == [(first, 4)]
        await pilot.press("u")
        await pilot.pause()
        assert grades(home, root) == []
        assert screen.entry.item.id == first  # the undone card comes back
        await pilot.press("s")  # suspend it
        await pilot.press("b")  # bury the next
        await pilot.pause()
        with stored(home, root) as st:
            states = st.store.states()
        assert states[first].suspended
        assert sum(1 for s in states.values() if (s.buried_until_ms or 0) > 0) == 1


async def test_cloze_mcq_and_typed(home: Path, root: Path) -> None:
    # Only the topic with the special cards; new cards in curriculum order.
    async with running(home, root, new_per_day=20) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        seen: dict[str, int] = {}
        for _ in range(12):
            entry = screen.entry
            if entry is None or entry.item.kind != "card":
                break
            card = app.study.content.card_for(entry.item.id)
            if card.type == "cloze":
                front = markdown_of(app, "#front")
                assert "**[...]**" in front
                await pilot.press("space")
                assert "**first**" in markdown_of(app, "#back") or \
                       "**second**" in markdown_of(app, "#back")
                await pilot.press("3")
            elif card.type == "mcq":
                assert "1. aa" in markdown_of(app, "#choices")
                await pilot.press("1")  # wrong: the answer is 2 (bb)
                assert screen.revealed and screen.suggested == 1
                assert "✗" in markdown_of(app, "#choices")
                await pilot.press("enter")  # Enter takes the suggestion: Again
            elif card.type == "typed":
                assert app.focused is screen.query_one("#typed")
                await pilot.press(*"hello, wurld", "enter")
                verdict = text_of(app, "#verdict")
                assert "not quite" in verdict
                await pilot.press("1")
            else:
                await pilot.press("space", "3")
            seen[card.type] = seen.get(card.type, 0) + 1
            await pilot.pause()
        assert seen.get("cloze") and seen.get("mcq") and seen.get("typed")
    ratings = dict(grades(home, root))
    assert ratings["alpha-mcq"] == 1 and ratings["alpha-typed"] == 1


async def test_typed_right_answer_suggests_good(home: Path, root: Path) -> None:
    async with running(home, root, new_per_day=20) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        for _ in range(12):
            card = app.study.content.card_for(screen.entry.item.id)
            if card.type == "typed":
                break
            await pilot.press("space")
            if card.type == "mcq" and not screen.revealed:
                await pilot.press("2")
            await pilot.press("3")
            await pilot.pause()
        await pilot.press(*"Hello World!", "enter")
        assert "right" in text_of(app, "#verdict") and screen.suggested == 3


async def test_resume_after_relaunch(home: Path, root: Path) -> None:
    clock = Clock()
    async with running(home, root, clock) as (app, pilot):
        await begin(pilot)
        done = [await answer(app, pilot) for _ in range(3)]
        await pilot.press("q")  # leave the session
        await opened(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "resume (3 done today)" in text_of(app, "#today")
    clock.at += timedelta(minutes=1)
    async with running(home, root, clock) as (again, pilot):
        assert "resume (3 done today)" in text_of(again, "#today")
        await begin(pilot)
        assert again.screen.entry.item.id not in done
        # and undo after the relaunch still takes back today's last grade
        await pilot.press("u")
        await pilot.pause()
        assert again.screen.entry.item.id == done[-1]
    assert [i for i, _ in grades(home, root)] == done[:2]


async def test_session_ends_in_a_summary(home: Path, root: Path) -> None:
    async with running(home, root, new_per_day=2, new_katas_per_day=0) as (app, pilot):
        await begin(pilot)
        for _ in range(2):
            await answer(app, pilot, "4")  # Easy: graduates, nothing comes back today
        assert isinstance(app.screen, SummaryScreen)
        summary = text_of(app, "#summary")
        assert "reviews today   2" in summary
        assert "right           100%" in summary
        assert "due tomorrow" in summary
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_edit_reloads_the_card(home: Path, root: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    editor = tmp_path / "fake-editor"
    # A scripted "editor": checks it got +LINE, then rewrites the first card's front.
    editor.write_text(f"#!{sys.executable}\n"
                      "import sys, re\n"
                      "line, path = sys.argv[1], sys.argv[2]\n"
                      "assert line.startswith('+') and int(line[1:]) > 0\n"
                      "text = open(path).read()\n"
                      "open(path, 'w').write(text.replace('deletion.', 'deletion, edited.', 1))\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    async with running(home, root) as (app, pilot):
        await begin(pilot)
        assert "second deletion." in markdown_of(app, "#front")  # the cloze comes first
        await pilot.press("e")
        await pilot.pause()
        assert "second deletion, edited." in markdown_of(app, "#front")
        assert "reloaded" in text_of(app, "#status")


async def test_kata_right_and_wrong(home: Path, root: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDY_KATA_WORKER", "0")  # a fresh process per check: nothing lingers
    async with running(home, root, new_per_day=0, size=(120, 40)) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        assert isinstance(screen, KataScreen) and screen.kata_id == "softmax"
        editor = screen.query_one("#editor")
        assert "NotImplementedError" in editor.text  # the starter, in the editor
        assert "Numerically stable softmax" in text_of(app, "#kata-bar")  # the title, once
        assert "softmax(x: Tensor, dim: int = -1)" in markdown_of(app, "#prompt")
        await pilot.press("f2")  # no reference before an attempt
        await pilot.pause()
        assert app.screen is screen
        # a wrong solution: no max shift -> fails, graded Again, message shown
        editor.load_text("import torch\n\ndef softmax(x, dim=-1):\n"
                         "    e = torch.exp(x)\n    return e / e.sum(dim=dim, keepdim=True)\n")
        await pilot.press("ctrl+r")
        await settle(app)
        await pilot.pause()
        status = text_of(app, "#kata-status")
        assert "failed" in status and "graded Again" in status
        table = screen.query_one("#results")
        assert table.row_count >= 3
        detail = text_of(app, "#case-detail")  # the first failure, in full
        assert "✗" in detail and "exp() overflowed: subtract the max" in detail
        assert grades(home, root) == [("softmax", 1)]
        saved = (home / "workspace" / "softmax" / "softmax.py").read_text()
        assert "torch.exp(x)" in saved  # saved on every check
        # a hint, then the right solution -> passes; a hint means Hard
        await pilot.press("ctrl+g")
        assert "Hint 1" in markdown_of(app, "#hints")
        editor.load_text((root / "exercises" / "softmax" / "solution.py").read_text())
        await pilot.press("ctrl+r")
        await settle(app)
        await pilot.pause()
        status = text_of(app, "#kata-status")
        assert "passed" in status and "graded Hard" in status
        assert grades(home, root) == [("softmax", 2)]  # the latest attempt replaces the grade
        # the learner's word over the suggestion
        await pilot.press("escape", "3")
        assert grades(home, root) == [("softmax", 3)]
        # after an attempt, the reference can be read
        await pilot.press("f2")
        await pilot.pause()
        from study.tui.screens.reference import ReferenceScreen

        assert isinstance(app.screen, ReferenceScreen)
        assert "x.amax(dim=dim, keepdim=True)" in app.screen.query_one("#reference").source
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, KataScreen)


async def test_kata_check_does_not_block_the_ui(home: Path, root: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from study.kata import client

    release = threading.Event()

    def slow_check(self, request):  # type: ignore[no-untyped-def]
        release.wait(10)
        return check_result("softmax", passed=True)

    monkeypatch.setattr(client.KataClient, "check", slow_check)
    async with running(home, root, new_per_day=0, size=(120, 40)) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert screen.checking and screen.query_one("#results").loading
        await pilot.press("ctrl+g")  # the UI answers while the check runs
        assert "Hint 1" in markdown_of(app, "#hints")
        release.set()
        await settle(app)
        await pilot.pause()
        assert not screen.checking and "passed" in text_of(app, "#kata-status")


async def test_browse_search_detail_and_suspend(home: Path, root: Path) -> None:
    async with running(home, root, size=(120, 40)) as (app, pilot):
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        assert app.focused is screen.query_one("#query")  # typing searches at once
        await pilot.press(*"is:kata")
        await pilot.pause()
        assert screen.query_one("#items").row_count == 1
        await pilot.press("ctrl+a", "ctrl+k", *"tag:cloze", "enter")
        await pilot.pause()
        assert screen.query_one("#items").row_count == 2  # two deletions of one note
        assert "alpha-cloze" in text_of(app, "#detail-state")
        await pilot.press("s")
        await pilot.pause()
        assert "suspended" in text_of(app, "#detail-state")
        with stored(home, root) as st:
            assert st.store.state("alpha-cloze#c1").suspended
        await pilot.press("s")  # and back
        with stored(home, root) as st:
            assert not st.store.state("alpha-cloze#c1").suspended


async def test_browse_bad_query_is_explained(home: Path, root: Path) -> None:
    async with running(home, root) as (app, pilot):
        await pilot.press("b")
        await pilot.pause()
        await pilot.press(*"is:nope")
        await pilot.pause()
        assert "use one of" in text_of(app, "#browse-count")


async def test_stats_screen(home: Path, root: Path) -> None:
    clock = Clock()
    async with running(home, root, clock, size=(120, 40)) as (app, pilot):
        await begin(pilot)
        for _ in range(3):
            await answer(app, pilot)
        await pilot.press("q", "t")
        await pilot.pause()
        assert "total 3" in text_of(app, "#chart-reviews")
        assert "Due, next" in text_of(app, "#chart-forecast")
        # one bar a day across the whole panel: no empty half
        await pilot.pause()
        for selector in ("#chart-reviews", "#chart-forecast"):
            panel = app.screen.query_one(selector)
            bars = text_of(app, selector).splitlines()[-2]
            assert len(bars) >= panel.content_size.width - 1
        assert app.screen.query_one("#stats-tracks").row_count == 1


async def test_settings_are_saved_and_applied(home: Path, root: Path) -> None:
    async with running(home, root) as (app, pilot):
        await pilot.press("comma")
        await pilot.pause()
        box = app.screen.query_one("#new_per_day")
        box.value = "2"
        app.screen.query_one("#desired_retention").value = "1.5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "desired_retention" in text_of(app, "#settings-error")  # refused, explained
        app.screen.query_one("#desired_retention").value = "0.85"
        app.screen.query_one("#day_rollover_hour").value = "5"
        await pilot.press("ctrl+s")
        await opened(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.study.settings.new_per_day == 2
        assert "2" in text_of(app, "#today")
    saved = load_settings(home, environ={})
    assert (saved.new_per_day, saved.desired_retention, saved.day_rollover_hour) == (2, 0.85, 5)


async def test_interview_drill(home: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from study.kata import client

    def fake_check(self, request):  # type: ignore[no-untyped-def]
        return check_result(request["kata"], passed=False)

    monkeypatch.setattr(client.KataClient, "check", fake_check)
    async with running(home, root, size=(120, 40)) as (app, pilot):
        await pilot.press("i")
        await pilot.pause()
        intro = text_of(app, "#drill-intro")
        assert "1 katas in 15 minutes" in intro  # one kata in this tree: 15 min
        await pilot.press("enter")
        await pilot.pause()
        kata = app.screen
        assert isinstance(kata, KataScreen) and kata.drill is not None
        assert text_of(app, "#kata-bar").startswith("drill 1/1 · ")
        await pilot.press("ctrl+g")  # no hints in a drill
        assert "No hints" in markdown_of(app, "#hints")
        await pilot.press("ctrl+r")
        await settle(app)
        await pilot.pause()
        await pilot.press("escape", "n")
        await pilot.pause()
        assert "Drill over" in text_of(app, "#drill-intro")
        assert app.screen.query_one("#drill-results").row_count == 1
    with stored(home, root) as st:
        assert [a[2] for a in st.store.attempts("softmax")] == ["failed"]  # recorded


async def test_help_and_command_palette(home: Path, root: Path) -> None:
    async with running(home, root) as (app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Review" in text_of(app, "#help") and "ctrl+p" in text_of(app, "#help")
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"stats")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        from study.tui.screens.stats import StatsScreen

        assert isinstance(app.screen, StatsScreen)


async def test_broken_settings_file_is_reported_not_crashed(home: Path, root: Path) -> None:
    from study.tui.app import create_app

    home.mkdir(parents=True)
    (home / "settings.toml").write_text("new_per_day = 'many'\n")
    app = create_app(home, roots=[(root, "bundled")])
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        assert "new_per_day" in text_of(app, "#today")


def test_study_without_a_terminal_prints_the_plan(home: Path) -> None:
    import subprocess

    env = {**os.environ, "STUDY_HOME": str(home)}
    out = subprocess.run([sys.executable, "-m", "study"], capture_output=True, text=True,
                         env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert out.returncode == 0 and "Today" in out.stdout and "opens the app" in out.stdout


def _imports(path: Path) -> set[str]:
    import ast

    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_tui_imports_textual_and_it_never_imports_torch() -> None:
    package = Path(__file__).resolve().parents[1] / "study"
    for path in package.rglob("*.py"):
        rel = path.relative_to(package)
        imported = _imports(path)
        if rel.parts[0] == "tui":
            assert "torch" not in imported, f"{rel} imports torch: the app must open without it"
        else:
            assert "textual" not in imported, f"{rel} imports textual: the core is headless"


def test_the_app_runs_a_session_without_loading_torch(tmp_path: Path, root: Path) -> None:
    import subprocess

    script = (
        "import asyncio, sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from tui_helpers import make_app, opened\n"
        "from pathlib import Path\n"
        "async def main():\n"
        f"    app = make_app(Path({str(tmp_path / 'h')!r}), Path({str(root)!r}))\n"
        "    async with app.run_test(size=(100, 30)) as pilot:\n"
        "        await opened(app, pilot)\n"
        "        for key in ('r', 'space', '3', 'q', 'b', 'q', 't', 'q'):\n"
        "            await pilot.press(key); await pilot.pause()\n"
        "    print('torch' in sys.modules)\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stdout + out.stderr


async def test_a_kata_left_without_an_attempt_waits_for_later(home: Path, root: Path) -> None:
    async with running(home, root, new_per_day=0, size=(120, 40)) as (app, pilot):
        await begin(pilot)
        assert isinstance(app.screen, KataScreen)
        await pilot.press("escape", "q")  # leave the editor, then the kata
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = text_of(app, "#summary")
        assert "Done for now" in summary and "left for later  softmax" in summary
    assert grades(home, root) == []  # nothing was graded for it


async def test_kata_watch_mode_reloads_and_checks_an_outside_save(
        home: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from study.kata import client

    checked: list[str] = []

    def fake_check(self, request):  # type: ignore[no-untyped-def]
        checked.append(Path(request["solution"]).read_text())
        return check_result("softmax", passed=True)

    monkeypatch.setattr(client.KataClient, "check", fake_check)
    async with running(home, root, new_per_day=0, size=(120, 40)) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        path = home / "workspace" / "softmax" / "softmax.py"
        path.write_text("# saved from another editor\n")
        os.utime(path, ns=(1, 1))  # a different mtime, whatever the clock's resolution
        screen._watch_disk()
        await settle(app)
        await pilot.pause()
        assert screen.query_one("#editor").text == "# saved from another editor\n"
        assert checked == ["# saved from another editor\n"]
        # edited here and there: nothing is overwritten, the learner is told
        screen.query_one("#editor").load_text("# mine\n")
        path.write_text("# theirs\n")
        os.utime(path, ns=(2, 2))
        screen._watch_disk()
        await pilot.pause()
        assert screen.query_one("#editor").text == "# mine\n"
        assert any("changed on disk" in n.message for n in app._notifications)
        assert len(checked) == 1


async def test_kata_screen_warms_the_worker(home: Path, root: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from study.kata import client

    started: list[Path] = []
    monkeypatch.setenv("STUDY_KATA_WORKER", "1")
    monkeypatch.setattr(client.KataClient, "running", lambda self: False)
    monkeypatch.setattr(client.KataClient, "start", lambda self: started.append(self.home))
    async with running(home, root, new_per_day=0, size=(120, 40)) as (app, pilot):
        await begin(pilot)
        await settle(app)
        assert isinstance(app.screen, KataScreen)
    assert started == [home]


async def test_a_long_card_scrolls_with_the_keys(home: Path, root: Path) -> None:
    long_text = "\n\n".join(f"paragraph {i} of a long explanation" for i in range(60))
    add_card(root, "a-long", "A card with a long back", long_text)
    async with running(home, root, new_per_day=20, size=(80, 24)) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        await reach(app, pilot, "a-long")
        await pilot.press("space")
        await pilot.pause()
        card = screen.query_one("#card")
        assert card.max_scroll_y > 0 and card.scroll_y == 0
        await pilot.press("pagedown", "down")
        await pilot.pause()
        assert card.scroll_y > 0
