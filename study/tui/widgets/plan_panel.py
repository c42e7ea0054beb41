"""The running plan or goal at a glance: phase, ahead/behind, pace, a chart, what is next.

`PlanPanel` loads its own numbers (study/plans.py) in a thread, so the screen that
mounts it only says when to `reload()`; it hides itself while nothing runs.
"""

from __future__ import annotations

import contextlib
from typing import Any

from rich.markup import escape
from textual import work
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

CHART_HEIGHT = 4
CHART_WIDTH = 44


def chart(planned: list[float], projected: list[float | None], total: int,
          width: int = CHART_WIDTH, height: int = CHART_HEIGHT) -> list[str]:
    """Planned (dots) against projected (bars) new cards done, start to end, as markup.
    A projected bar below the planned dot is yellow: behind there."""
    n = len(planned)
    if n == 0 or total <= 0:
        return []
    width = max(4, min(width, n))
    cols = []
    for c in range(width):
        d = min(n - 1, round((c + 1) * n / width) - 1)
        cols.append((planned[d] / total, None if projected[d] is None else
                     (projected[d] or 0.0) / total))
    rows = []
    for r in range(height - 1, -1, -1):
        lo, hi = r / height, (r + 1) / height
        line = []
        for p, a in cols:
            if a is not None and a > lo + 1e-9:
                colour = "green" if a + 1e-9 >= p else "yellow"
                line.append(f"[{colour}]{'█' if a >= hi - 1e-9 else '▄'}[/]")
            elif lo < p <= hi + 1e-9 and p > 0:
                line.append("[dim]·[/]")
            else:
                line.append(" ")
        rows.append("".join(line))
    return rows


def where_text(days_ahead: int) -> str:
    if days_ahead > 0:
        return f"[green]{days_ahead} day{'s' if days_ahead != 1 else ''} ahead[/]"
    if days_ahead < 0:
        return f"[yellow]{-days_ahead} day{'s' if days_ahead != -1 else ''} behind[/]"
    return "on schedule"


def panel_lines(data: dict[str, Any], planned: list[float],
                projected: list[float | None], width: int = CHART_WIDTH) -> list[str]:
    """The panel's text: the same numbers as `study plan` / `study goal`."""
    title = escape(data["title"])
    if data.get("title_zh"):
        title += f"  [dim]{escape(data['title_zh'])}[/]"
    lines = [f"[b]{'Plan' if data['kind'] == 'plan' else 'Goal'}[/] {title}"]
    if data.get("stretch"):
        zh = f" [dim]{escape(data['stretch_title_zh'])}[/]" if data.get("stretch_title_zh") \
            else ""
        lines.append(f"  now  {escape(data['stretch_title'])}{zh} (to {data['stretch_end']})")
    finish = data["projected_finish"] or "—"
    lines.append(f"  {where_text(data['days_ahead'])} · {data['new_done']}/{data['new_total']} "
                 f"new · [b]{data['new_per_day']}[/]/day · about "
                 f"[b]{data['minutes_per_day']:.0f}[/] min/day")
    lines.append(f"  finish {finish} ({'on track' if data['on_track'] else '[yellow]late[/]'})"
                 f" · due {data['by']} · {data['days_left']} d left"
                 + (" · [b]interview[/]: katas first" if data.get("interview") else ""))
    for m in data["messages"]:
        lines.append(f"  [dim]{escape(m)}[/]")
    rows = chart(planned, projected, data["new_total"], width)
    if rows:
        lines.append(f"  [dim]{data['start']} .. {data['by']}: planned ·, projected █[/]")
        lines += [f"  {r}" for r in rows]
    upcoming = next((m for m in data.get("milestones", [])
                     if not all(c["ticked"] or (c["evidence"] or {}).get("met")
                                for c in m["checks"])), None)
    if upcoming is not None:
        done = sum(1 for c in upcoming["checks"]
                   if c["ticked"] or (c["evidence"] or {}).get("met"))
        late = " [yellow]overdue[/]" if upcoming["date"] < data["today"] else ""
        lines.append(f"  next milestone {upcoming['date']}{late}: {escape(upcoming['title'])} "
                     f"({done}/{len(upcoming['checks'])})")
        for c in upcoming["checks"]:
            met = c["ticked"] or (c["evidence"] or {}).get("met")
            zh = f" [dim]{escape(c['title_zh'])}[/]" if c.get("title_zh") else ""
            lines.append(f"    {'[green]☑[/]' if met else '☐'} {escape(c['title'])}{zh}")
    tally = [f"{kind} {sum(1 for r in data[kind] if r['ticked'])}/{len(data[kind])}"
             for kind in ("projects", "papers") if data.get(kind)]
    if tally:
        lines.append(f"  ticked: {' · '.join(tally)}  [dim](p: plan screen)[/]")
    return lines


class PlanLoaded(Message):
    def __init__(self, data: dict[str, Any] | None, planned: list[float],
                 projected: list[float | None]) -> None:
        super().__init__()
        self.data = data
        self.planned = planned
        self.projected = projected


class PlanPanel(Static):
    """Shown while a plan or goal runs; `reload()` after anything that may change it."""

    DEFAULT_CSS = """
    PlanPanel { height: auto; padding: 0 1; display: none; }
    """
    data: dict[str, Any] | None = None

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="plan-panel")
    def _load(self) -> None:
        from study.plans import curves, summary_with_progress

        app: Any = self.app
        lock = getattr(app, "db_lock", None)
        worker = get_current_worker()
        with lock if lock is not None else contextlib.nullcontext():
            study = getattr(app, "study", None)
            if study is None:
                return
            try:
                got = summary_with_progress(study, study.now())
            except Exception as exc:  # a plan gone from the content: say so, never crash
                self.app.call_from_thread(self.update, f"[yellow]{escape(str(exc))}[/]")
                return
        if worker.is_cancelled:
            return
        if got is None:
            self.post_message(PlanLoaded(None, [], []))
            return
        planned, projected = curves(got[1])
        self.post_message(PlanLoaded(got[0], planned, projected))

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        self.data = message.data
        self.display = message.data is not None
        if message.data is not None:
            width = max(10, min(CHART_WIDTH, (self.size.width or CHART_WIDTH + 4) - 4))
            self.update("\n".join(panel_lines(message.data, message.planned,
                                              message.projected, width)))
