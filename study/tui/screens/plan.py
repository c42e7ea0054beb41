"""Plans and goals: start a plan, set a deadline, tick projects, papers and milestones.

The same core as `study plan` and `study goal` (study/plans.py): one set of numbers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Input, Static

from study.errors import StudyError
from study.tui.screens.base import StudyScreen
from study.tui.widgets.plan_panel import PlanLoaded, PlanPanel


def goal_args(text: str) -> tuple[date, list[str], bool]:
    """`2027-03-01 [interview] [track ...]` -> (date, tracks, interview); ValueError says why."""
    words = text.split()
    if not words:
        raise ValueError("type a date, YYYY-MM-DD")
    try:
        by = date.fromisoformat(words[0])
    except ValueError:
        raise ValueError(f"{words[0]!r} is not a date (YYYY-MM-DD)") from None
    rest = words[1:]
    interview = "interview" in rest
    return by, [w for w in rest if w != "interview"], interview


class PlanScreen(StudyScreen[None]):
    BINDINGS = [
        Binding("q,escape", "back", "Back"),
        Binding("s", "start", "Start plan"),
        Binding("g", "goal", "Set goal"),
        Binding("x", "stop", "Stop"),
        Binding("space", "tick", "Tick"),
        Binding("n", "note", "Note"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._asking: str | None = None  # "goal" or "note" while the input is open

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="plan-scroll"):
            yield PlanPanel(id="plan-panel")
            yield Static("", id="plan-none")
            yield Static("[b]Milestones, projects and papers[/] [dim](space ticks, n adds a "
                         "note)[/]", classes="heading", id="plan-ticks-head")
            yield DataTable(id="plan-ticks", cursor_type="row", zebra_stripes=True)
            yield Static("[b]Plans[/] [dim](s starts the one under the cursor today; g sets "
                         "a deadline instead)[/]", classes="heading")
            yield DataTable(id="plan-list", cursor_type="row", zebra_stripes=True)
        yield Input(id="plan-input")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#plan-input", Input).display = False
        ticks = self.query_one("#plan-ticks", DataTable)
        ticks.add_columns("", "what", "title", "done")
        plans = self.query_one("#plan-list", DataTable)
        plans.add_columns("plan", "days", "topics", "title")
        for p in self.study.index.plans.values():
            title = p.title + (f"  {p.title_zh}" if p.title_zh else "")
            plans.add_row(p.id, str(p.days), str(len(p.topics())), escape(title), key=p.id)
        self._reload()

    def _reload(self) -> None:
        self.query_one(PlanPanel).reload()

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        data = message.data
        self.query_one("#plan-none", Static).update(
            "" if data is not None else "No plan or goal running. Pick a plan below and press "
            "[b]s[/], or [b]g[/] to set a deadline.")
        table = self.query_one("#plan-ticks", DataTable)
        table.clear()
        rows = _tick_rows(data or {})
        for key, cells in rows:
            table.add_row(*cells, key=key)
        table.display = bool(rows)
        self.query_one("#plan-ticks-head", Static).display = bool(rows)

    # -- actions ---------------------------------------------------------------------------

    def action_back(self) -> None:
        if self._asking is not None:
            self._close_input()
            return
        self.app.pop_screen()

    def action_start(self) -> None:
        from study.plans import start_plan

        table = self.query_one("#plan-list", DataTable)
        if table.row_count == 0:
            self.notify("No plans: add one under content/plans/ in a content directory.")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        study = self.study
        start_plan(study, str(key), study.days.day_of(study.now()))
        self.notify(f"plan {key} started today")
        self._changed()

    def action_stop(self) -> None:
        from study.plans import read_target, write_target

        if read_target(self.study.store) is None:
            self.notify("Nothing is running.")
            return
        write_target(self.study.store, None)
        self.notify("stopped; ticks are kept")
        self._changed()

    def action_goal(self) -> None:
        self._ask("goal", "deadline: YYYY-MM-DD [interview] [track ...]   (enter sets, "
                  "escape cancels)")

    def action_note(self) -> None:
        if self._selected_tick() is None:
            return
        self._ask("note", "a note for the tick (enter saves and ticks, escape cancels)")

    def action_tick(self) -> None:
        tick = self._selected_tick()
        if tick is None:
            return
        self._set_tick(tick, None if tick["ticked"] else "")

    # -- helpers -------------------------------------------------------------------------------

    def _selected_tick(self) -> dict[str, Any] | None:
        data = self.query_one(PlanPanel).data
        table = self.query_one("#plan-ticks", DataTable)
        if data is None or data.get("kind") != "plan" or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in _all_ticks(data) if r["id"] == key), None)

    def _set_tick(self, tick: dict[str, Any], note: str | None) -> None:
        from study.plans import read_target, set_tick

        study = self.study
        target = read_target(study.store)
        if target is None or target.kind != "plan":
            return
        on = None if note is None else study.days.day_of(study.now())
        set_tick(study.store, target.plan_id, tick["id"], on, note or "")
        self._changed()

    def _ask(self, what: str, placeholder: str) -> None:
        box = self.query_one("#plan-input", Input)
        box.placeholder = placeholder
        box.value = ""
        box.display = True
        self._asking = what
        box.focus()

    def _close_input(self) -> None:
        box = self.query_one("#plan-input", Input)
        box.display = False
        self._asking = None
        self.query_one("#plan-ticks", DataTable).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        what, text = self._asking, event.value.strip()
        if what == "note":
            tick = self._selected_tick()
            self._close_input()
            if tick is not None:
                self._set_tick(tick, text)
            return
        if what == "goal":
            from study.plans import set_goal

            try:
                by, tracks, interview = goal_args(text)
                study = self.study
                _, pr = set_goal(study, by, tracks, [], interview, study.now())
            except (ValueError, StudyError) as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return  # the input stays open to fix it
            self._close_input()
            self.notify(f"goal: {pr.new_per_day} new a day, about "
                        f"{pr.minutes_per_day:.0f} min a day, until {by.isoformat()}")
            self._changed()

    def _changed(self) -> None:
        from study.tui.messages import StudyReady

        self._reload()
        for screen in self.app.screen_stack:  # the dashboard's counts follow the pace
            if screen is not self:
                screen.post_message(StudyReady())


def _all_ticks(data: dict[str, Any]) -> list[dict[str, Any]]:
    checks = [c for m in data.get("milestones", []) for c in m["checks"]]
    return checks + data.get("projects", []) + data.get("papers", [])


def _tick_rows(data: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """One row per milestone check, project and paper: box, kind, titles, when and note."""
    rows: list[tuple[str, tuple[str, ...]]] = []

    def title(r: dict[str, Any]) -> str:
        zh = f"  {r['title_zh']}" if r.get("title_zh") else ""
        return escape(r["title"] + zh)

    def done(r: dict[str, Any]) -> str:
        if not r["ticked"]:
            return ""
        return escape(r["on"] + (f": {r['note']}" if r.get("note") else ""))

    for m in data.get("milestones", []):
        for c in m["checks"]:
            ev = c.get("evidence") or {}
            met = bool(ev.get("met"))
            box = "☑" if c["ticked"] else ("[green]✓[/]" if met else "☐")
            shown = done(c) or ("evidence: recall and katas" if met else "")
            rows.append((c["id"], (box, f"{m['date']} check", title(c), shown)))
    for p in data.get("projects", []):
        rows.append((p["id"], ("☑" if p["ticked"] else "☐", "project", title(p), done(p))))
    for p in data.get("papers", []):
        stars = "★" * int(p.get("stars") or 0)
        rows.append((p["id"], ("☑" if p["ticked"] else "☐", f"paper {stars}", title(p),
                               done(p))))
    return rows
