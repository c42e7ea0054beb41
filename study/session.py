"""A review session over the core: next item, grade, undo, suspend, bury.

The session holds no schedule of its own: it re-plans from the store after
every change, so it is always consistent with the database (including grades
from another process) and a relaunch continues where the last run stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from study.clock import to_ms
from study.core import Study
from study.models import Item
from study.planner import Plan, PlanEntry, plan
from study.scheduler import ItemState
from study.store import GradeResult


@dataclass(frozen=True)
class Undone:
    item_id: str
    rating: int
    state: ItemState


class Session:
    def __init__(self, study: Study) -> None:
        self.study = study
        self.graded: list[int] = []  # review ids graded in this session, for undo
        self._typical: tuple[float | None, float | None] | None = None

    def plan(self, now: datetime | None = None,
             states: dict[str, ItemState] | None = None) -> Plan:
        st = self.study
        now = now or st.now()
        if self._typical is None:
            self._typical = (_seconds(st.store.mean_duration_ms(new=False)),
                             _seconds(st.store.mean_duration_ms(new=True)))
        if states is None:
            states = st.store.states()
        return plan(
            st.index, states, st.store.graded_today(st.days.day_of(now)),
            st.settings, st.srs, st.days, now, self._typical,
        )

    def next(
        self, now: datetime | None = None, kinds: tuple[str, ...] = ("card", "kata"),
        skip: frozenset[str] = frozenset(),
    ) -> PlanEntry | None:
        now = now or self.study.now()
        return self.plan(now).next_entry(now, kinds, skip)

    def state(self, item: Item) -> ItemState:
        return self.study.store.state(item.id, item.kind)

    def preview(self, item: Item, now: datetime | None = None) -> dict[int, timedelta]:
        """The next interval for each rating (1-4), as the UI shows before grading."""
        now = now or self.study.now()
        due = self.study.srs.preview(self.state(item), now)
        return {r: d - now for r, d in due.items()}

    def grade(
        self, item: Item, rating: int, now: datetime | None = None, duration_ms: int | None = None
    ) -> GradeResult:
        now = now or self.study.now()
        result = self.study.store.grade(item.id, item.kind, rating, now, duration_ms)
        self.graded.append(result.review_id)
        return result

    def undo(self, now: datetime | None = None) -> Undone | None:
        """Undo the last grade of this session (or, after a relaunch, today's last grade)."""
        now = now or self.study.now()
        store = self.study.store
        rid = self.graded.pop() if self.graded else store.last_live_grade(
            store.day_number(now), store.client_id
        )
        if rid is None:
            return None
        ev = store.event(rid)
        state = store.undo(rid, now)
        return Undone(ev.item_id, ev.rating or 0, state)

    def suspend(self, item: Item, now: datetime | None = None) -> ItemState:
        return self.study.store.action(item.id, item.kind, "suspend", now or self.study.now())

    def bury(self, item: Item, now: datetime | None = None) -> ItemState:
        """Hide the item until the next study day."""
        now = now or self.study.now()
        until = to_ms(self.study.days.day_end(now))
        return self.study.store.action(item.id, item.kind, "bury", now, until_ms=until)


def _seconds(ms: float | None) -> float | None:
    return ms / 1000 if ms else None
