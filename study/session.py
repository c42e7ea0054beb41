"""A review session over the core: next item, grade, undo, suspend, bury.

The session holds no schedule of its own: it re-plans from the store after
every change, so it is always consistent with the database (including grades
from another process) and a relaunch continues where the last run stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from study.clock import to_ms
from study.core import Study
from study.models import Item
from study.planner import Plan, PlanEntry, plan
from study.scheduler import NEW, RATING_NAMES, ItemState
from study.store import GradeResult

if TYPE_CHECKING:
    from study.plans import Scope


@dataclass(frozen=True)
class Undone:
    item_id: str
    rating: int  # the grade undone; 0 when the action was not a grade
    state: ItemState
    event: str = "grade"  # grade, suspend, bury, forget, ...

    @property
    def what(self) -> str:
        """What was undone, for a status line: the grade's name, or the action."""
        return RATING_NAMES.get(self.rating, "?") if self.event == "grade" else self.event


class Session:
    def __init__(self, study: Study) -> None:
        self.study = study
        self.graded: list[int] = []  # log ids of this session's grades and actions, for undo
        self.own: set[int] = set()  # every log id this session wrote (undos included)
        self.marks: dict[str, int] = {}  # item -> newest log id when it was last shown
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
        graded = st.store.graded_today(st.days.day_of(now))
        return plan(
            st.index, states, graded, st.settings, st.srs, st.days, now, self._typical,
            self._scope(now, states, graded),
        )

    def _scope(self, now: datetime, states: dict[str, ItemState],
               graded: dict[str, tuple[int, int]]) -> Scope | None:
        """The running plan or goal's part in today's plan (None: there is none)."""
        from study.plans import read_target, scope_for

        target = read_target(self.study.store)
        if target is None:
            return None
        introduced = {i for i, (_, sb) in graded.items() if sb == NEW}
        return scope_for(self.study, target, now, states, introduced)

    def next(
        self, now: datetime | None = None, kinds: tuple[str, ...] = ("card", "kata"),
        skip: frozenset[str] = frozenset(),
    ) -> PlanEntry | None:
        """The next item to show. Another session (the app in a second terminal) may have
        recorded it since the plan was read: then it is skipped and the plan made again."""
        now = now or self.study.now()
        store = self.study.store
        skipped = set(skip)
        for _ in range(100):
            mark = store.last_id()
            entry = self.plan(now).next_entry(now, kinds, frozenset(skipped))
            if entry is None or not store.changed_since(entry.item.id, mark, frozenset(
                    self.own)):
                if entry is not None:
                    self.marks[entry.item.id] = mark
                return entry
            skipped.add(entry.item.id)
        return None

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
        """Record a grade. An item shown by `next` that another session recorded meanwhile
        raises `Superseded` (nothing saved): the same card is never graded twice."""
        now = now or self.study.now()
        result = self.study.store.grade(item.id, item.kind, rating, now, duration_ms,
                                        unchanged_since=self.marks.pop(item.id, None),
                                        own=frozenset(self.own))
        self._done(result.review_id)
        return result

    def _done(self, review_id: int) -> None:
        self.graded.append(review_id)
        self.own.add(review_id)

    def undo(self, now: datetime | None = None) -> Undone | None:
        """Undo the last action of this session, of any kind (grade, suspend, bury, forget),
        as Anki does; after a relaunch, today's last one from this home."""
        now = now or self.study.now()
        store = self.study.store
        rid = self.graded.pop() if self.graded else store.last_live_action(
            store.day_number(now), store.client_id
        )
        if rid is None:
            return None
        ev = store.event(rid)
        state = store.undo(rid, now)
        self.own.add(store.last_id())
        self.marks[ev.item_id] = store.last_id()  # it comes back on screen: ours again
        return Undone(ev.item_id, ev.rating or 0, state, ev.event)

    def _act(self, item: Item, event: str, now: datetime | None,
             until_ms: int | None = None) -> ItemState:
        rid, state = self.study.store.act(item.id, item.kind, event, now or self.study.now(),
                                          until_ms)
        self._done(rid)
        self.marks.pop(item.id, None)
        return state

    def suspend(self, item: Item, now: datetime | None = None) -> ItemState:
        return self._act(item, "suspend", now)

    def unsuspend(self, item: Item, now: datetime | None = None) -> ItemState:
        return self._act(item, "unsuspend", now)

    def forget(self, item: Item, now: datetime | None = None) -> ItemState:
        """Back to new: the item's schedule starts over (its history stays in the log)."""
        return self._act(item, "forget", now)

    def bury(self, item: Item, now: datetime | None = None) -> ItemState:
        """Hide the item until the next study day."""
        now = now or self.study.now()
        until = to_ms(self.study.days.day_end(now))
        return self._act(item, "bury", now, until)


def _seconds(ms: float | None) -> float | None:
    return ms / 1000 if ms else None
