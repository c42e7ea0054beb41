"""Stats: reviews per day, the 30-day forecast, retention per track, kata pass rates."""

from __future__ import annotations

from datetime import date, timedelta

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from study import stats
from study.tui.screens.base import StudyScreen

DAYS = 30


def chart(title: str, values: list[int], first_label: str, last_label: str,
          height: int = 6, width: int = 0) -> str:
    """Bars for `values`, each day as wide as `width` allows (the panel is filled)."""
    rows = stats.bars(values, height)
    top = max(values, default=0)
    per_day = max(1, width // len(values)) if values else 1
    if per_day > 1:  # one bar per day, a gap of one between bars when there is room
        bar = per_day - 1 if per_day > 2 else per_day
        rows = ["".join(c * bar + " " * (per_day - bar) for c in r) for r in rows]
    width = len(values) * per_day
    out = [f"[b]{title}[/] [dim](max {top}/day, total {sum(values)})[/]"]
    out += [f"[cyan]{r}[/]" for r in rows]
    out.append(f"[dim]{first_label}{last_label:>{max(1, width - len(first_label))}}[/]")
    return "\n".join(out)


class StatsScreen(StudyScreen[None]):
    BINDINGS = [Binding("q,escape", "app.pop_screen", "Back")]

    def __init__(self) -> None:
        super().__init__()
        self._today: date | None = None
        self._past: list[int] = []
        self._ahead: list[int] = []

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
        self._past = stats.daily_reviews(study, today, DAYS)
        self._ahead = stats.forecast(study, now, DAYS)
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
        today = self._today
        if today is None:
            return
        first = today - timedelta(days=DAYS - 1)
        for selector, title, values, labels in (
            ("#chart-reviews", "Reviews per day", self._past, (f"{first:%d %b}", "today")),
            ("#chart-forecast", "Due, next 30 days", self._ahead,
             ("today", f"{today + timedelta(days=DAYS - 1):%d %b}")),
        ):
            panel = self.query_one(selector, Static)
            panel.update(chart(title, values, *labels, width=panel.content_size.width))

    def on_resize(self) -> None:
        self.call_after_refresh(self._charts)
