"""Numbers for `study stats` and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from study.planner import Plan


def streak(study_days: list[int], today: int) -> int:
    """Consecutive study days ending today (or yesterday, if today is not done yet)."""
    days = set(study_days)
    start = today if today in days else today - 1
    n = 0
    while start - n in days:
        n += 1
    return n


def current_streak(store: Any, today: int) -> int:
    """The streak, reading only recent days unless it is longer than that."""
    window = 64
    n = streak(store.study_days(today - window), today)
    return n if n < window - 1 else streak(store.study_days(), today)


def compute(study: Any, plan: Plan, now: datetime,
            states: dict[str, Any] | None = None) -> dict[str, Any]:
    store = study.store
    today = study.days.day_of(now)
    passed, total = store.retention((today - timedelta(days=29)).toordinal())
    states = store.states() if states is None else states
    counts = plan.counts
    return {
        "day": today.isoformat(),
        "reviews_total": store.count_grades(),
        "reviews_today": store.count_grades(today),
        "due_today": counts["learning"] + counts["review"],
        "new_today": counts["new"],
        "katas_today": counts["kata"],
        "new_introduced_today": plan.new_done_today,
        "learning_later_today": len(plan.learning_later),
        "streak_days": current_streak(store, today.toordinal()),
        "retention_30d": round(passed / total, 4) if total else None,
        "retention_30d_reviews": total,
        "items_total": len(study.items),
        "items_seen": sum(1 for s in states.values() if s.reps > 0),
        "suspended": sum(1 for s in states.values() if s.suspended),
        "leeches": sum(1 for s in states.values() if s.leech),
        "estimated_minutes": round(plan.estimated_minutes, 1),
    }


# -- charts and tables for the dashboard and the stats screen -----------------------

MATURE_DAYS = 21.0  # Anki's line between young and mature cards


def daily_reviews(study: Any, today: date, days: int) -> list[int]:
    """Grades per study day for the `days` days ending today, oldest first."""
    first = today.toordinal() - days + 1
    per_day = study.store.grades_per_day(first)
    return [per_day.get(first + i, 0) for i in range(days)]


def forecast(study: Any, now: datetime, days: int = 30) -> list[int]:
    """Items falling due on each of the next `days` study days; overdue ones count today."""
    out = [0] * days
    today = study.days.day_of(now)
    first_end = study.days.day_start(today + timedelta(days=1))
    known = {it.id for it in study.items}
    for s in study.store.states().values():
        if s.suspended or s.is_new or s.due_ms is None or s.item_id not in known:
            continue
        due = s.due()
        i = 0 if due < first_end else (study.days.day_of(due) - today).days
        if 0 <= i < days:
            out[i] += 1
    return out


@dataclass
class TrackRow:
    track: str
    title: str
    items: int
    started: int
    mature: int
    passed: int  # grades in review state, last 30 days
    reviewed: int

    @property
    def retention(self) -> float | None:
        return self.passed / self.reviewed if self.reviewed else None


def by_track(study: Any, today: date, window_days: int = 30,
             states: dict[str, Any] | None = None) -> list[TrackRow]:
    """Per track: items, started, mature, true retention over the last `window_days`."""
    topics = study.index.topics
    rows = {t.id: TrackRow(t.id, t.title, 0, 0, 0, 0, 0)
            for t in sorted(study.index.tracks.values(), key=lambda t: t.order)}
    states = study.store.states() if states is None else states
    outcomes = study.store.review_outcomes(today.toordinal() - window_days + 1)
    for it in study.items:
        topic = topics.get(it.topic)
        row = rows.get(topic.track) if topic else None
        if row is None:
            continue
        row.items += 1
        s = states.get(it.id)
        if s is not None and s.reps > 0:
            row.started += 1
            if (s.stability or 0) >= MATURE_DAYS:
                row.mature += 1
        passed, total = outcomes.get(it.id, (0, 0))
        row.passed += passed
        row.reviewed += total
    return list(rows.values())


def kata_rates(study: Any) -> list[tuple[str, int, int]]:
    """(kata id, passed attempts, attempts) for katas with attempts, in curriculum order."""
    counts = study.store.attempt_counts()
    return [(k, *counts[k]) for k in study.index.katas if k in counts]


def leeches(study: Any, states: dict[str, Any] | None = None) -> list[str]:
    states = study.store.states() if states is None else states
    return sorted(i for i, s in states.items() if s.leech)


def bars(values: list[int], height: int = 6) -> list[str]:
    """A small vertical bar chart in block characters, `height` rows, top row first."""
    blocks = " ▁▂▃▄▅▆▇█"
    top = max(values, default=0)
    if top <= 0:
        return [" " * len(values)] * (height - 1) + ["▁" * len(values)]
    rows = []
    for r in range(height - 1, -1, -1):
        line = []
        for v in values:
            eighths = round(v / top * height * 8) - r * 8
            line.append(blocks[max(0, min(8, eighths))])
        rows.append("".join(line))
    return rows


@dataclass
class Dashboard:
    """Everything the dashboard draws, computed off the UI thread."""

    today: date
    plan: Plan
    info: dict[str, Any]
    daily: list[int]
    tracks: list[TrackRow]
    leeches: list[str]


def dashboard(study: Any, now: datetime, days: int) -> Dashboard:
    from study.session import Session

    today = study.days.day_of(now)
    states = study.store.states()  # one read for all four
    plan = Session(study).plan(now, states)
    return Dashboard(today, plan, compute(study, plan, now, states),
                     daily_reviews(study, today, days), by_track(study, today, states=states),
                     leeches(study, states))


# -- FSRS: the fitted parameters' health check and the workload curve --------------------


def fsrs_parameters(study: Any) -> dict[str, Any]:
    """Per kind: the parameters in use, and the health check of the fit that gave them
    (default vs fitted on the newest reviews; null while FSRS's defaults are in use)."""
    from study.clock import from_ms
    from study.optimize import active_stack

    out: dict[str, Any] = {}
    for kind, name in (("card", "cards"), ("kata", "katas")):
        stack = active_stack(study.store, kind)
        entry: dict[str, Any] = {"parameters": list(study.store.srs.parameters(kind)),
                                 "fitted": False}
        if stack and stack[-1][1] is not None:
            history = {row[0]: row for row in study.store.parameter_history(kind)}
            _, ts, _, _, reviews, evaluation = history[stack[-1][0]]
            entry.update(fitted=True, fitted_at=from_ms(ts).isoformat(), reviews=reviews,
                         evaluation={k: evaluation[k] for k in ("held_out", "default",
                                                                "current", "fitted")
                                     if evaluation and k in evaluation})
        out[name] = entry
    return out


def fsrs_report(study: Any) -> dict[str, Any]:
    """What `study stats --json` and the Stats screen show of FSRS."""
    from study import workload

    report = fsrs_parameters(study)
    report["workload"] = workload.for_study(study).to_dict()
    return report
