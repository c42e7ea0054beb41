"""The end of a session: what was done today, how well, and what tomorrow holds."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static

from study.clock import to_ms
from study.tui.screens.base import StudyScreen


class SummaryScreen(StudyScreen[None]):
    BINDINGS = [
        Binding("enter", "app.pop_screen", "Dashboard"),
        Binding("q", "app.pop_screen", "Dashboard", show=False),
        Binding("t", "app.stats", "Stats"),
    ]

    def __init__(self, skipped: list[str] | None = None) -> None:
        super().__init__()
        self.skipped = skipped or []

    def compose(self) -> ComposeResult:
        with Vertical(id="summary-box"):
            yield Static("", id="summary")
        yield Footer()

    def on_mount(self) -> None:
        from study import stats
        from study.session import Session

        study = self.study
        now = study.now()
        today = study.days.day_of(now)
        grades = study.store.session_grades(to_ms(study.days.day_start(today)))
        done = len(grades)
        right = sum(1 for _, r, _ in grades if r > 1)
        seconds = sum(min(d or 0, 120_000) for *_, d in grades) / 1000
        items = len({i for i, _, _ in grades})
        plan = Session(study).plan(now)
        tomorrow = stats.forecast(study, now, 2)[1]
        lines = [
            "[b]Session complete[/]" if not plan.entries else "[b]Done for now[/]",
            "",
            f"  reviews today   [b]{done}[/] ({items} items)",
            f"  right           [b]{right / done:.0%}[/]" if done else "  right           –",
            f"  time            [b]{_duration(seconds)}[/]",
            f"  due tomorrow    [b]{tomorrow}[/]",
        ]
        if plan.learning_later:
            lines.append(f"  back later today [b]{len(plan.learning_later)}[/] learning card(s)")
        if self.skipped:
            lines.append(f"  left for later  {', '.join(self.skipped)}")
        lines += ["", "Every grade is saved. [b]Enter[/] back to the dashboard."]
        self.query_one("#summary", Static).update("\n".join(lines))


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
