"""The dashboard: today's plan, streak, a heatmap, progress per track, leeches."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from study.tui.components.heatmap import Heatmap

HEATMAP_WEEKS = 53  # a year at most; the widget shows what fits


class DashboardLoaded(Message):
    def __init__(self, data: Any) -> None:
        super().__init__()
        self.data = data


class DashboardScreen(Screen[None]):
    loaded = False  # True once the numbers are drawn (tests and benchmarks wait for it)

    BINDINGS = [
        Binding("r", "app.review", "Review"),
        Binding("i", "app.drill", "Drill"),
        Binding("b", "app.browse", "Browse"),
        Binding("t", "app.stats", "Stats"),
        Binding("comma", "app.settings", "Settings", key_display=","),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("study", id="title")
        with Horizontal(id="dash-top"):
            with Vertical(id="today-box"):
                yield Static("Opening your study home…", id="today")
            yield Heatmap(id="heatmap")
        yield DataTable(id="tracks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="leeches")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#tracks", DataTable)
        table.add_columns("Track", "Started", "Mature", "Retention")

    def on_screen_resume(self) -> None:
        if getattr(self.app, "study", None) is not None:
            self.study_ready()

    def study_failed(self, error: str) -> None:
        self.query_one("#today", Static).update(f"[b red]Cannot open your study home[/]\n{error}")

    def study_ready(self) -> None:
        if getattr(self.app, "study", None) is not None:
            self.loaded = False
            self._load()

    @work(thread=True, exclusive=True, group="dashboard")
    def _load(self) -> None:
        from study import stats

        study = self.app.study  # type: ignore[attr-defined]
        if study is None:
            return
        try:
            data = stats.dashboard(study, study.now(), HEATMAP_WEEKS * 7)
        except Exception:  # the database went away (settings reopened it): try again
            if self.app.study is study:  # type: ignore[attr-defined]
                raise
            return
        if not get_current_worker().is_cancelled:  # a newer load replaced this one
            self.post_message(DashboardLoaded(data))

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        d = message.data
        plan, info, today = d.plan, d.info, d.today
        c = plan.counts
        done = plan.reviews_done_today + plan.new_done_today
        total = sum(c.values())
        self.query_one("#title", Static).update(
            f"[b]study[/] · {today:%A %d %B %Y} · streak [b]{info['streak_days']}[/] "
            f"day{'s' if info['streak_days'] != 1 else ''}")
        lines = [
            "[b]Today[/]",
            f"  due      [b]{c['learning'] + c['review']:>4}[/]  ({c['learning']} learning)",
            f"  new      [b]{c['new']:>4}[/]",
            f"  katas    [b]{c['kata']:>4}[/]",
            f"  about    [b]{plan.estimated_minutes:>4.0f}[/] min",
            "",
        ]
        if total == 0:
            later = len(plan.learning_later)
            lines.append("[green]All done for today.[/]" +
                         (f" {later} come back later." if later else ""))
        elif done:
            lines.append(f"[b]r[/] resume ({done} done today)")
        else:
            lines.append("[b]r[/] start today's session")
        katas = [e.item.id for e in plan.entries if e.item.kind == "kata"]
        if katas:
            lines.append(f"kata: {', '.join(katas)}")
        self.query_one("#today", Static).update("\n".join(lines))
        self.query_one(Heatmap).show(today, d.daily)
        self._tracks(d.tracks)
        leeches = d.leeches
        self.query_one("#leeches", Static).update(
            f"[b]{len(leeches)} leech(es)[/] to rewrite: {', '.join(leeches[:4])}"
            f"{' …' if len(leeches) > 4 else ''} (browse: is:leech)" if leeches else "")
        self.loaded = True

    def _tracks(self, rows: list[Any]) -> None:
        table = self.query_one("#tracks", DataTable)
        table.clear()
        for row in rows:
            pct = row.started / row.items if row.items else 0.0
            filled = round(pct * 10)
            bar = f"[green]{'━' * filled}[/][dim]{'━' * (10 - filled)}[/]"
            ret = f"{row.retention:.0%}" if row.retention is not None else "–"
            table.add_row(row.title, f"{bar} {row.started}/{row.items}", str(row.mature), ret,
                          key=row.track)
