"""Numbers for `study stats` and the dashboard."""

from __future__ import annotations

from datetime import datetime, timedelta
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


def compute(study: Any, plan: Plan, now: datetime) -> dict[str, Any]:
    store = study.store
    today = study.days.day_of(now)
    passed, total = store.retention((today - timedelta(days=29)).toordinal())
    states = store.states()
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
        "streak_days": streak(store.study_days(), today.toordinal()),
        "retention_30d": round(passed / total, 4) if total else None,
        "retention_30d_reviews": total,
        "items_total": len(study.items),
        "items_seen": sum(1 for s in states.values() if s.reps > 0),
        "suspended": sum(1 for s in states.values() if s.suspended),
        "leeches": sum(1 for s in states.values() if s.leech),
        "estimated_minutes": round(plan.estimated_minutes, 1),
    }
