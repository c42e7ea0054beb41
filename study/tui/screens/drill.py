"""Interview drill: N katas against one clock, no hints, then a summary.

Each check is recorded like any other attempt (and grades a kata that is in
today's plan), so a drill counts as practice.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Static

from study import katas
from study.tui.drill import Drill
from study.tui.screens.base import StudyScreen
from study.tui.screens.kata import KataScreen

DEFAULT_KATAS = 3
DEFAULT_MINUTES = 45


class DrillScreen(StudyScreen[None]):
    # Before the drill: start, more, fewer, back. After it: only the way back.
    BINDINGS = [
        Binding("enter", "start", "Start"),
        Binding("plus", "more", "+1 kata", key_display="+"),
        Binding("minus", "fewer", "-1 kata", key_display="-"),
        Binding("q", "back", "Back"),
        Binding("enter", "back", "Dashboard"),
    ]

    def __init__(self, n: int = DEFAULT_KATAS, minutes: int = DEFAULT_MINUTES) -> None:
        super().__init__()
        self.n = n
        self.minutes = minutes
        self.drill: Drill | None = None
        self.finished = False

    def compose(self) -> ComposeResult:
        with Vertical(id="drill-box"):
            yield Static("", id="drill-intro")
            yield DataTable(id="drill-results", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#drill-results", DataTable)
        table.add_columns("kata", "result", "time")
        table.can_focus = False  # Enter belongs to the screen: start, then leave
        self.set_focus(None)
        self._intro()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start", "more", "fewer"):
            return self.drill is None
        if action == "back":
            return self.drill is None or self.finished
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def _picked(self) -> list[str]:
        study = self.study
        return [k.id for k in katas.drill_katas(study, self.n, study.now())]

    def _intro(self) -> None:
        picked = self._picked()
        self.minutes = max(15, round(DEFAULT_MINUTES * len(picked) / DEFAULT_KATAS))
        self.query_one("#drill-intro", Static).update(
            f"[b]Interview drill[/]: {len(picked)} katas in {self.minutes} minutes, no hints.\n\n"
            + "\n".join(f"  {i}. {escape(k)}" for i, k in enumerate(picked, 1))
            + "\n\nDue katas first, then the ones you fail most, then new ones.\n"
            "Each kata starts from its starter (saved work is set aside, not lost).\n"
            "[b]Enter[/] starts the clock; in each kata, ctrl+r checks, [b]n[/] moves on, "
            "[b]q[/] leaves the drill.")
        self.query_one("#drill-results", DataTable).display = False

    def action_more(self) -> None:
        if self.drill is None and self.n < 10:
            self.n += 1
            self._intro()

    def action_fewer(self) -> None:
        if self.drill is None and self.n > 1:
            self.n -= 1
            self._intro()

    def action_start(self) -> None:
        if self.drill is not None:
            return
        picked = self._picked()
        if not picked:
            self.app.notify("No katas to drill.")
            return
        self.drill = Drill(picked, time.monotonic() + self.minutes * 60, self.minutes)
        self.refresh_bindings()
        self._next(0)

    def _next(self, i: int) -> None:
        drill = self.drill
        assert drill is not None
        if i >= len(drill.kata_ids) or time.monotonic() >= drill.deadline:
            self._summary()
            return

        def after(result: str | None) -> None:
            if result in ("timeout", "stopped"):
                self._summary()
            else:
                self._next(i + 1)

        self.app.push_screen(KataScreen(drill.kata_ids[i], drill=drill), after)

    def _summary(self) -> None:
        drill = self.drill
        assert drill is not None
        self.finished = True
        self.refresh_bindings()
        table = self.query_one("#drill-results", DataTable)
        table.clear()
        table.display = True
        passed = 0
        for kid in drill.kata_ids:
            r = drill.results.get(kid)
            if r is None:
                table.add_row(kid, "not attempted", "–")
                continue
            passed += bool(r.get("passed"))
            mark = "[green]passed[/]" if r.get("passed") else f"[red]{escape(r['status'])}[/]"
            secs = int(r.get("elapsed_s", 0))
            table.add_row(kid, mark, f"{secs // 60}:{secs % 60:02d}" if secs else "–")
        used = drill.minutes * 60 - max(0.0, drill.deadline - time.monotonic())
        self.query_one("#drill-intro", Static).update(
            f"[b]Drill over[/]: {passed}/{len(drill.kata_ids)} passed in "
            f"{int(used) // 60} min (of {drill.minutes}). Every attempt is recorded."
            + ("\nYour earlier work was set aside: "
               + ", ".join(escape(Path(p).name) for p in drill.backups.values())
               if drill.backups else "")
            + "\n[b]Enter[/] or [b]q[/] back to the dashboard.")
