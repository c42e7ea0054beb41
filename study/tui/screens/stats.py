"""Stats: reviews per day, the 30-day forecast, retention per track, kata pass rates, and
FSRS's health and the workload curve (`f` goes to them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from study import stats
from study.tui.screens.base import StudyScreen
from study.tui.widgets.fsrs_panel import FsrsPanel

DAYS = 30  # the least a chart shows; a wider panel shows more days
MAX_DAYS = 365


def chart(title: str, values: list[int], first_label: str, last_label: str,
          height: int = 6) -> str:
    rows = stats.bars(values, height)
    top = max(values, default=0)
    width = len(values)
    out = [f"[b]{title}[/] [dim](max {top}/day, total {sum(values)})[/]"]
    out += [f"[cyan]{r}[/]" for r in rows]
    out.append(f"[dim]{first_label}{last_label:>{max(1, width - len(first_label))}}[/]")
    return "\n".join(out)


class StatsScreen(StudyScreen[None]):
    BINDINGS = [Binding("q,escape", "app.pop_screen", "Back"),
                Binding("f", "fsrs", "FSRS health and workload", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self._today: date | None = None
        self._cache: dict[str, tuple[int, list[int]]] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-scroll"):
            yield Static("", id="stats-head")
            with Horizontal(id="stats-charts"):
                yield Static("", id="chart-reviews", classes="chart")
                yield Static("", id="chart-forecast", classes="chart")
            yield Static("[b]True retention per track[/] [dim](grades of mature and young "
                         "review cards, last 30 days)[/]", classes="heading")
            yield DataTable(id="stats-tracks", zebra_stripes=True)
            yield Static("[b]Katas[/]", classes="heading")
            yield DataTable(id="stats-katas", zebra_stripes=True)
            yield FsrsPanel(id="stats-fsrs")
        yield Footer()

    def on_mount(self) -> None:
        from study.session import Session

        study = self.study
        now = study.now()
        today = study.days.day_of(now)
        info = stats.compute(study, Session(study).plan(now), now)
        ret = info["retention_30d"]
        self.query_one("#stats-head", Static).update(
            f"reviews [b]{info['reviews_total']}[/] · today [b]{info['reviews_today']}[/] · "
            f"streak [b]{info['streak_days']}[/] d · retention (30 d) "
            f"[b]{f'{ret:.1%}' if ret is not None else '–'}[/] · seen "
            f"[b]{info['items_seen']}[/]/{info['items_total']} · suspended {info['suspended']}"
            f" · leeches {info['leeches']}")
        self._today = today
        self._charts()
        self.call_after_refresh(self._charts)  # again once the panels know their width
        tracks = self.query_one("#stats-tracks", DataTable)
        tracks.add_columns("track", "items", "started", "mature", "reviews", "retention")
        for row in stats.by_track(study, today):
            r = f"{row.retention:.0%}" if row.retention is not None else "–"
            tracks.add_row(escape(row.title), str(row.items), str(row.started), str(row.mature),
                           str(row.reviewed), r)
        table = self.query_one("#stats-katas", DataTable)
        table.add_columns("kata", "passed", "attempts", "pass rate")
        rates = stats.kata_rates(study)
        for kid, passed, total in rates:
            table.add_row(escape(kid), str(passed), str(total), f"{passed / total:.0%}")
        if not rates:
            table.add_row("no attempts yet", "", "", "")

    def _charts(self) -> None:
        """One bar a day, as many days as the panel is wide (at least 30): no empty half."""
        today = self._today
        if today is None:
            return
        study = self.study
        for selector in ("#chart-reviews", "#chart-forecast"):
            panel = self.query_one(selector, Static)
            days = max(DAYS, min(MAX_DAYS, panel.content_size.width))
            if selector == "#chart-reviews":
                values = self._series(selector, days,
                                      lambda n: stats.daily_reviews(study, today, n))
                first = today - timedelta(days=days - 1)
                panel.update(chart(f"Reviews per day, last {days} days", values,
                                   f"{first:%d %b}", "today"))
            else:
                values = self._series(selector, days,
                                      lambda n: stats.forecast(study, study.now(), n))
                last = today + timedelta(days=days - 1)
                panel.update(chart(f"Due, next {days} days", values, "today", f"{last:%d %b}"))

    def _series(self, key: str, days: int, compute: Callable[[int], list[int]]) -> list[int]:
        cached = self._cache.get(key)
        if cached is None or cached[0] != days:  # computed again only when the width changes
            cached = (days, compute(days))
            self._cache[key] = cached
        return cached[1]

    def on_resize(self) -> None:
        self.call_after_refresh(self._charts)

    def action_fsrs(self) -> None:
        self.query_one("#stats-fsrs", FsrsPanel).scroll_visible(top=True)
