"""The dashboard: today's plan, streak, a heatmap, progress per track, leeches.

When the home cannot be opened (a broken settings file, a locked database) it
says what is wrong and where, and offers only the keys that work then: fix
the settings (in Settings or the file in an editor), or quit.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from study.tui.messages import StudyReady, StudyUnavailable
from study.tui.screens.base import StudyScreen
from study.tui.widgets.heatmap import Heatmap
from study.tui.widgets.plan_panel import PlanPanel

HEATMAP_WEEKS = 53  # a year at most; the widget shows what fits

# What needs the open home; hidden (and inert) while it is not open.
NEEDS_STUDY = frozenset({"review", "drill", "browse", "stats", "kata_first", "plans"})


class DashboardPlanned(Message):
    """Today's plan: the counts the learner came for, drawn before the rest."""

    def __init__(self, plan: Any, today: Any) -> None:
        super().__init__()
        self.plan = plan
        self.today = today


class DashboardPreviewed(Message):
    """Today's counts from the preview process, after the first frame."""

    def __init__(self, title: str, today: str) -> None:
        super().__init__()
        self.title = title
        self.today = today


class DashboardLoaded(Message):
    """The rest: streak, heatmap, tracks, leeches."""

    def __init__(self, streak: int, daily: list[int], tracks: list[Any],
                 leeches: list[str]) -> None:
        super().__init__()
        self.streak = streak
        self.daily = daily
        self.tracks = tracks
        self.leeches = leeches


class DashboardScreen(StudyScreen[None]):
    loaded = False  # True once the numbers are drawn (tests and benchmarks wait for it)
    failed = False  # the home could not be opened
    _queued: str | None = None  # an action asked for while the home was opening
    _today: Any = None  # the study day of the last plan drawn
    _pending_tracks: list[Any] | None = None  # rows that came before the table

    BINDINGS = [
        Binding("r", "review", "Review"),
        Binding("k", "kata_first", "Katas first"),
        Binding("i", "drill", "Drill"),
        Binding("b", "browse", "Browse"),
        Binding("t", "stats", "Stats"),
        Binding("p", "plans", "Plan or goal", show=False),
        Binding("comma", "settings", "Settings", key_display=","),
        Binding("e", "edit_settings", "Edit settings.toml"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        # Today's counts from the preview process (study/todaypreview.py), when they are
        # ready for the first frame; else they follow it (_await_preview), or the app's own.
        preview = self.study_app.preview
        early = preview.take() if preview is not None else None
        yield Static(early["title"] if early else "study", id="title")
        with Horizontal(id="dash-top"):
            with Vertical(id="today-box"):
                yield Static(early["today"] if early else "Opening your study home…",
                             id="today")
            yield Heatmap(id="heatmap")
        yield PlanPanel(id="plan-panel")  # the running plan or goal; hidden when none
        yield Vertical(id="tracks-box")  # the table comes after the first frame
        yield Static("", id="leeches")
        yield Footer()

    def on_mount(self) -> None:
        # The first frame is what the learner waits for at launch; the table widget (and
        # its module and styles) can follow it.
        self.call_after_refresh(self._mount_tracks)
        preview = self.study_app.preview
        if preview is not None and not preview.done:
            self._await_preview()

    @work(thread=True, group="preview")
    def _await_preview(self) -> None:
        preview = self.study_app.preview
        early = preview.take(wait=5.0) if preview is not None else None
        if early is not None:
            self.post_message(DashboardPreviewed(early["title"], early["today"]))

    def on_dashboard_previewed(self, message: DashboardPreviewed) -> None:
        if self._today is None and self.study_app.open_error is None:  # nothing newer drawn
            self.query_one("#title", Static).update(message.title)
            self.query_one("#today", Static).update(message.today)

    async def _mount_tracks(self) -> None:
        from textual.widgets import DataTable

        table: DataTable[Any] = DataTable(id="tracks", cursor_type="row", zebra_stripes=True)
        # Fixed widths: the table is laid out once, not again when the numbers arrive.
        table.add_column("Track", width=30)
        table.add_column("Started", width=22)  # the bar and up to 10000/10000
        table.add_column("Mature", width=6)
        table.add_column("Retention", width=9)
        table.display = not self.has_class("-failed")
        await self.query_one("#tracks-box", Vertical).mount(table)
        if self._pending_tracks is not None:
            self._tracks(self._pending_tracks)
            self.loaded = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        app = self.study_app
        if action in NEEDS_STUDY:
            return app.study is not None  # while it opens, on_key keeps such a key
        if action == "edit_settings":
            return app.study is None and app.settings_file is not None
        if action == "settings":
            return app.study is not None or app.settings_file is not None
        return True

    def on_screen_resume(self) -> None:
        if self.study_app.study is not None:
            self._reload()

    def on_study_unavailable(self, message: StudyUnavailable) -> None:
        self.loaded = False
        self.failed = True
        self._queued = None
        where = (f"\n\nFix it: [b],[/] opens Settings (saving replaces the file, the broken one "
                 f"is kept as {escape(message.settings_file.name)}.bak), [b]e[/] opens "
                 f"{escape(str(message.settings_file))} in your editor."
                 if message.settings_file is not None else "")
        self.query_one("#today", Static).update(
            f"[b red]Cannot open your study home[/]\n{escape(message.error)}{where}")
        self._show_numbers(False)  # an empty heatmap and table would only hide the message
        self.refresh_bindings()

    def _show_numbers(self, show: bool) -> None:
        self.query_one(Heatmap).display = show
        self.query_one("#tracks-box", Vertical).display = show
        self.set_class(not show, "-failed")

    def on_study_ready(self, _: StudyReady) -> None:
        self.failed = False
        self._show_numbers(True)
        self.refresh_bindings()
        queued, self._queued = self._queued, None
        if queued is not None:  # a key pressed while the home opened
            self.call_after_refresh(self.run_action, queued)
        first = self.study_app.first_plan
        self.study_app.first_plan = None
        if first is not None:  # planned as the home opened: draw it now, load the rest
            plan, today, states = first
            self.on_dashboard_planned(DashboardPlanned(plan, today))
            self.loaded = False
            # Once the counts are on screen: the worker holds the GIL for much of its work.
            self.call_after_refresh(self._load, states)
            return
        self._reload()

    def _reload(self) -> None:
        self.loaded = False
        self._load()

    def on_key(self, event: events.Key) -> None:
        """While the home opens (today's counts may be on screen already), a key for what
        needs it waits for it rather than being lost; it runs once the home is open."""
        app = self.study_app
        action = _WAITING_KEYS.get(event.key)
        if action and app.study is None and app.open_error is None and not self.failed:
            self._queued = action
            event.stop()

    # The app's actions, through the screen: `check_action` above decides what is offered.
    def _when_open(self, action: str) -> bool:
        """True to go ahead; else the home is still opening and the action waits for it
        (the last key pressed wins)."""
        if self.study_app.study is not None:
            return True
        self._queued = action
        return False

    def action_review(self) -> None:
        if self._when_open("review"):
            self.study_app.action_review()

    def action_kata_first(self) -> None:
        if self._when_open("kata_first"):
            self.study_app.action_kata_first()

    def action_drill(self) -> None:
        if self._when_open("drill"):
            self.study_app.action_drill()

    def action_browse(self) -> None:
        if self._when_open("browse"):
            self.study_app.action_browse()

    def action_stats(self) -> None:
        if self._when_open("stats"):
            self.study_app.action_stats()

    def action_plans(self) -> None:
        if self._when_open("plans"):
            self.study_app.action_plans()

    def action_settings(self) -> None:
        self.study_app.action_settings()

    def action_edit_settings(self) -> None:
        from study.tui.editor import edit_then

        path = self.study_app.settings_file
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        edit_then(self.study_app, path, 1, lambda: self.study_app.reopen(None))

    @work(thread=True, exclusive=True, group="dashboard")
    def _load(self, planned_states: Any = None) -> None:
        """In two steps: the plan's counts first (what the learner came for), then the
        streak, heatmap and tables (a few hundred ms more on a big home)."""
        app = self.study_app
        with app.db_lock:  # the home is not closed under these queries
            if app.study is not None:
                self._load_locked(app.study, planned_states)

    def _load_locked(self, study: Any, planned_states: Any) -> None:
        from study import stats
        from study.session import Session

        worker = get_current_worker()
        try:
            now = study.now()
            today = study.days.day_of(now)
            states = planned_states
            if states is None:  # else the plan is drawn already
                states = self.study_app.read_states(study)  # one read for all of it
                plan = Session(study).plan(now, states)
                if worker.is_cancelled:
                    return
                self.post_message(DashboardPlanned(plan, today))
            loaded = DashboardLoaded(
                stats.current_streak(study.store, today.toordinal()),
                stats.daily_reviews(study, today, HEATMAP_WEEKS * 7),
                stats.by_track(study, today, states=states), stats.leeches(study, states))
        except Exception:  # the database went away (settings reopened it): try again
            if self.study_app.study is study:
                raise
            return
        if not worker.is_cancelled:  # a newer load replaced this one
            self.post_message(loaded)

    def on_dashboard_planned(self, message: DashboardPlanned) -> None:
        from study.todaypreview import today_box

        plan, today = message.plan, message.today
        self._today = today
        study = self.study_app.study
        title, box = today_box(plan, today, study.index.katas if study is not None else {},
                               study is not None and study.settings.kata_first)
        self.query_one("#title", Static).update(title)
        self.query_one("#today", Static).update(box)
        # Once the counts are drawn, card texts load in the background (Browse and the first
        # card then need not wait for them).
        self.call_after_refresh(self.study_app.warm_content)

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        today = self._today
        if today is None:
            return
        streak = message.streak
        self.query_one("#title", Static).update(
            f"[b]study[/] · {today:%A %d %B %Y} · streak [b]{streak}[/] "
            f"day{'s' if streak != 1 else ''}")
        self.query_one(Heatmap).show(today, message.daily)
        self._tracks(message.tracks)
        self.query_one(PlanPanel).reload()
        leeches = message.leeches
        self.query_one("#leeches", Static).update(
            f"[b]{len(leeches)} leech(es)[/] to rewrite: {', '.join(leeches[:4])}"
            f"{' …' if len(leeches) > 4 else ''} (browse: is:leech)" if leeches else "")
        self.loaded = self._pending_tracks is None  # else once the table is there

    def _tracks(self, rows: list[Any]) -> None:
        from textual.widgets import DataTable

        tables = self.query("#tracks").results(DataTable)
        table = next(tables, None)
        if table is None:  # not mounted yet: it fills in when it is
            self._pending_tracks = rows
            return
        self._pending_tracks = None
        table.clear()
        titles = max((len(row.title) for row in rows), default=5)
        table.ordered_columns[0].width = max(5, min(40, titles))  # the longest title, whole
        for row in rows:
            pct = row.started / row.items if row.items else 0.0
            filled = round(pct * 10)
            bar = f"[green]{'━' * filled}[/][dim]{'━' * (10 - filled)}[/]"
            ret = f"{row.retention:.0%}" if row.retention is not None else "–"
            table.add_row(row.title, f"{bar} {row.started}/{row.items}", str(row.mature), ret,
                          key=row.track)


# The keys for what needs the open home, and their actions: pressed while it opens, they
# wait for it (DashboardScreen.on_key).
_WAITING_KEYS = {b.key: b.action for b in DashboardScreen.BINDINGS
                 if isinstance(b, Binding) and b.action in NEEDS_STUDY}
