"""The study app: a dashboard, then today's session; browse, stats, settings, drills.

`create_app()` is the factory: tests inject a temp home, settings, content
roots and a fixed clock. The home is opened in a thread worker so the first
frame paints at once; screens fill in when `StudyOpened` arrives.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from study.tui.messages import StudyFailed, StudyOpened, StudyReady, StudyUnavailable

if TYPE_CHECKING:  # the core loads in the opening worker, after the first frame
    from study.core import Study
    from study.settings import Settings
    from study.todaypreview import Preview


class StudyApp(App[None]):
    CSS_PATH = "app.tcss"
    # Below 100 columns, side-by-side panes stack (see the -narrow rules in app.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    TITLE = "study"
    BINDINGS = [
        Binding("question_mark", "help", "Keys", key_display="?"),
        Binding("f1", "help", "Keys", show=False),  # where ? is typed into a box
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        home: str | Path | None = None,
        settings: Settings | None = None,
        roots: list[tuple[Path, str]] | None = None,
        now: Callable[[], datetime] | None = None,
        start: str = "dashboard",
        preview: Preview | None = None,
    ) -> None:
        super().__init__()
        self.preview = preview  # today's counts, worked out while the app starts
        self._home = home
        self._settings = settings
        self._roots = roots
        self._now = now
        self._start = start
        self.study: Study | None = None
        self.open_error: str | None = None
        self.settings_file: Path | None = None  # the broken settings file, when it is
        # Today's plan, made in the opening worker (the dashboard's first need): taken once.
        self.first_plan: tuple[Any, Any, Any] | None = None
        # Held by background readers of the database (the dashboard's worker) and by
        # closing it: never both at once.
        self.db_lock = threading.Lock()
        self._kata_client: Any = None  # holds the kata worker while the app runs
        self._states: tuple[object, int, dict[str, Any]] | None = None  # see read_states

    # -- opening the home ---------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The dashboard is the bottom screen: the first frame is its own (a blank screen
        under it would cost a frame before anything shows)."""
        from study.tui.screens.dashboard import DashboardScreen

        return DashboardScreen()

    def on_mount(self) -> None:
        # Open the home once the first frame is out: the worker would compete with it.
        self.call_after_refresh(self.open_study)

    @work(thread=True, exclusive=True, group="open")
    def open_study(self) -> None:
        from study.core import open_study
        from study.errors import StudyError
        from study.paths import resolve_home
        from study.settings import SETTINGS_FILE, SettingsError

        try:
            study = open_study(self._home, self._settings, self._roots)
            if self._now is not None:
                study.now = self._now  # type: ignore[method-assign]
            backup_error = _auto_backup(study)
            from study.sync import auto_sync

            sync_note = auto_sync(study)  # with sync_dir set: other devices' reviews first
        except SettingsError as exc:  # say what is wrong and where; Settings can fix it
            path = resolve_home(self._home) / SETTINGS_FILE
            self.post_message(StudyFailed(str(exc), path if str(path) in str(exc) else None))
            return
        except StudyError as exc:  # a damaged database, a read-only home: the one line
            self.post_message(StudyFailed(str(exc)))
            return
        except Exception as exc:  # a locked database, an unreadable home: say so
            self.post_message(StudyFailed(f"{type(exc).__name__}: {exc}"))
            return
        self.first_plan = _first_plan(study, self.read_states)
        self.study = study
        self.post_message(StudyOpened())
        if backup_error:
            self.notify(f"today's backup failed: {backup_error}", severity="warning",
                        timeout=10)
        if sync_note:
            self.notify(sync_note, severity="warning", timeout=10)

    def read_states(self, study: Study) -> dict[str, Any]:
        """Every item's state, read once per change of the log: the dashboard's plan, its
        panels and Browse share one read (60 ms on a big home). Any thread; not mutated."""
        mark = study.store.last_id()  # before the read: a grade in between reads again
        cached = self._states
        if cached is not None and cached[0] is study and cached[1] == mark:
            return cached[2]
        states = study.store.states()
        self._states = (study, mark, states)
        return states

    def on_study_opened(self, _: StudyOpened) -> None:
        self.open_error = None
        self.settings_file = None
        for screen in self.screen_stack:
            screen.post_message(StudyReady())
        if self.study is not None and self.study.problems:
            self.notify(f"{len(self.study.problems)} content problem(s) skipped; run "
                        "`study content check`", severity="warning", timeout=8)
        from study.tui import autofit

        autofit.start(self)  # FSRS re-fit when the reviews have doubled (a worker thread)
        if self._start == "review":
            self._start = "dashboard"
            self.action_review()

    @work(thread=True, exclusive=True, group="content")
    def warm_content(self) -> None:
        """Read the full content (card texts) in the background once the dashboard is drawn:
        Browse and the first card then need not read it (a tenth of a second on a big home;
        one that asks meanwhile waits for this load)."""
        study = self.study
        if study is not None:
            study.content  # noqa: B018 - loaded and kept by the property
            from study.tui.widgets.card_markdown import warm_up

            warm_up()  # the review and Browse modules, Rich's Markdown and the highlighter
            from study.tui.screens.browse import prebuild

            prebuild(self)  # Browse's whole list, from the states the dashboard read
            self.call_from_thread(self._content_warmed)

    def _content_warmed(self) -> None:
        import gc

        # The content lives as long as the app: the collector need not walk it again and
        # again (its full passes would otherwise stall a frame now and then).
        gc.freeze()

    def on_study_failed(self, message: StudyFailed) -> None:
        self.open_error = message.error
        self.settings_file = message.settings_file
        for screen in self.screen_stack:
            screen.post_message(StudyUnavailable(message.error, message.settings_file))

    def reopen(self, settings: Settings | None = None) -> None:
        """After settings change: open the home again with them (history is in the DB)."""
        self._close_study()
        self._settings = settings
        self.open_study()

    def _close_study(self) -> None:
        """Close the home once no background reader uses it: SQLite closed under a query
        in another thread crashes the process."""
        study, self.study = self.study, None
        if study is not None:
            with self.db_lock:
                study.close()

    def _handle_exception(self, error: Exception) -> None:
        """A damaged database, a full disk or any other StudyError met after the home was
        open ends the app with its one line (exit 2), as on the command line; anything
        else is a bug and keeps Textual's traceback."""
        import sqlite3

        from study.errors import StudyError, from_os_error

        if isinstance(error, sqlite3.Error):
            from study.store import DB_FILE, explain

            error = explain(error, self.study.home / DB_FILE if self.study else None)
        elif isinstance(error, OSError):
            error = from_os_error(error)
        if not isinstance(error, StudyError):
            super()._handle_exception(error)
            return
        self.exit(return_code=2, message=f"study: error: {error}")

    def on_unmount(self) -> None:
        if self._kata_client is not None:
            self._kata_client.detach()  # the worker leaves shortly after the app
        if self.study is not None:
            from study.sync import auto_sync

            with self.db_lock:
                auto_sync(self.study)  # this session's reviews out (sync_dir set)
        self._close_study()

    def attach_kata_worker(self, home: Path) -> None:
        """Start the kata worker (if needed) and hold it until the app quits. Blocking:
        call it from a worker thread."""
        from study.kata.client import KataClient

        if self._kata_client is None or self._kata_client.home != home:
            if self._kata_client is not None:
                self._kata_client.detach()
            self._kata_client = KataClient(home)
        self._kata_client.attach()

    # -- navigation ----------------------------------------------------------------------

    def _show_screen(self, module: str, screen: str) -> None:
        """Push a screen that needs the study; imported on first use (keeps startup light)."""
        if self.study is None:
            self.notify(self.open_error or "still opening your study home…",
                        severity="error" if self.open_error else "information", timeout=3)
            return
        from importlib import import_module

        self.push_screen(getattr(import_module(f"study.tui.screens.{module}"), screen)())

    def action_review(self) -> None:
        self._show_screen("review", "ReviewScreen")

    def action_drill(self) -> None:
        self._show_screen("drill", "DrillScreen")

    def action_browse(self) -> None:
        self._show_screen("browse", "BrowseScreen")

    def action_stats(self) -> None:
        self._show_screen("stats", "StatsScreen")

    def action_plans(self) -> None:
        self._show_screen("plan", "PlanScreen")

    def action_settings(self) -> None:
        if self.study is None and self.settings_file is not None:
            from study.tui.screens.settings import SettingsScreen

            # The file is broken: start from the defaults; saving keeps the old one aside.
            self.push_screen(SettingsScreen(broken=self.settings_file))
            return
        self._show_screen("settings", "SettingsScreen")

    def action_kata_first(self) -> None:
        """Today's katas before the cards (or after them again), saved as `kata_first`."""
        from dataclasses import replace

        from study.settings import SettingsError, save_settings

        study = self.study
        if study is None:
            return
        new = replace(study.settings, kata_first=not study.settings.kata_first)
        try:
            save_settings(study.home, new)
        except (OSError, SettingsError) as exc:
            self.notify(f"could not save settings: {exc}", severity="error")
            return
        study.settings = new
        self.notify("katas first today" if new.kata_first else "katas after the cards")
        for screen in self.screen_stack:
            screen.post_message(StudyReady())

    def action_dashboard(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_help(self) -> None:
        from study.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Review: start or resume today's session",
                            "Due reviews, new cards, then today's katas", self.action_review)
        yield SystemCommand("Interview drill", "A timed run of katas, no hints",
                            self.action_drill)
        yield SystemCommand("Browse cards and katas", "Search, see history, suspend",
                            self.action_browse)
        yield SystemCommand("Stats", "Reviews per day, retention, forecast, kata pass rates",
                            self.action_stats)
        yield SystemCommand("Plan or goal", "Start a study plan, set a deadline, tick "
                            "milestones, projects and papers", self.action_plans)
        yield SystemCommand("Settings", "New per day, retention, rollover hour, kata device",
                            self.action_settings)
        yield SystemCommand("Dashboard", "Back to today's plan", self.action_dashboard)
        # Textual's own "Keys" entry shows the same bindings: ours (with the global keys) only.
        yield SystemCommand("Keys", "The keys of this screen", self.action_help)
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command


def _first_plan(study: Study, read_states: Callable[[Study], dict[str, Any]]
                ) -> tuple[Any, Any, Any] | None:
    """(plan, study day, states) as the home opens: the dashboard draws its counts without
    another trip through a worker. None if it fails: the dashboard then plans itself."""
    from study.session import Session

    try:
        now = study.now()
        states = read_states(study)
        return Session(study).plan(now, states), study.days.day_of(now), states
    except Exception:  # the dashboard's own load will say what is wrong
        return None


def _auto_backup(study: Study) -> str | None:
    """The daily backup, as the CLI does it; a failure is reported, never blocks reviewing."""
    import sqlite3

    from study.backup import auto_backup
    from study.errors import StudyError

    try:
        auto_backup(study.store, study.home, study.days.day_of(study.now()),
                    study.settings.backups_keep)
    except (OSError, sqlite3.Error, StudyError) as exc:
        return str(exc)
    return None


def create_app(
    home: str | Path | None = None,
    settings: Settings | None = None,
    roots: list[tuple[Path, str]] | None = None,
    now: Callable[[], datetime] | None = None,
    start: str = "dashboard",
    preview: Preview | None = None,
) -> StudyApp:
    return StudyApp(home=home, settings=settings, roots=roots, now=now, start=start,
                    preview=preview)


def run(home: str | Path | None = None, start: str = "dashboard",
        preview: Preview | None = None) -> int:
    """Run the app; 2 when the home could not be opened (its one line on stderr).
    `preview`: today's counts being worked out (study.todaypreview.start, called before
    Textual was imported)."""
    import sys

    app = create_app(home, start=start, preview=preview)
    try:
        app.run()
    finally:
        if preview is not None:
            preview.close()
    if app.study is None and app.open_error:
        print(f"study: {app.open_error}", file=sys.stderr)
        return 2
    return 0
