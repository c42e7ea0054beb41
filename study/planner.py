"""Today's session: what to review, in which order.

`plan()` is a pure function of content, item states, today's grades, settings
and the clock, so a session can be re-planned at any moment (after a grade,
after a relaunch) and continue where it stopped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from study.clock import DayClock, to_ms
from study.models import ContentIndex, Item
from study.scheduler import LEARNING, NEW, RELEARNING, REVIEW, ItemState, Srs
from study.settings import Settings

if TYPE_CHECKING:
    from study.plans import Scope

LEARN_AHEAD = timedelta(minutes=20)
DEFAULT_REVIEW_S = 10.0
DEFAULT_NEW_S = 25.0


@dataclass(frozen=True)
class PlanEntry:
    item: Item
    reason: str  # "learning", "review", "new", "kata-review", "kata-new"
    due_ms: int | None = None
    retrievability: float | None = None


@dataclass
class Plan:
    day: date
    entries: list[PlanEntry] = field(default_factory=list)
    learning_later: list[PlanEntry] = field(default_factory=list)  # due later today
    new_done_today: int = 0
    reviews_done_today: int = 0
    estimated_minutes: float = 0.0

    def count(self, *reasons: str) -> int:
        return sum(1 for e in self.entries if e.reason in reasons)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "learning": self.count("learning"),
            "review": self.count("review"),
            "new": self.count("new"),
            "kata": self.count("kata-review", "kata-new"),
        }

    def next_entry(
        self, now: datetime, kinds: tuple[str, ...] = ("card", "kata"),
        skip: frozenset[str] = frozenset(),
    ) -> PlanEntry | None:
        """What to show now: the plan's head, else a learning item due soon.

        `skip`: items put off for now (a kata the learner left for later)."""
        for e in self.entries:
            if e.item.kind in kinds and e.item.id not in skip:
                return e
        soon = to_ms(now + LEARN_AHEAD)
        ahead = [e for e in self.learning_later
                 if (e.due_ms or 0) <= soon and e.item.kind in kinds and e.item.id not in skip]
        return min(ahead, key=lambda e: e.due_ms or 0) if ahead else None


def _topic_started(items: list[Item], states: dict[str, ItemState]) -> dict[str, bool]:
    started: dict[str, bool] = {}
    for it in items:
        s = states.get(it.id)
        if s is not None and s.reps > 0:
            started[it.topic] = True
        else:
            started.setdefault(it.topic, False)
    return started


def unlocked_topics(index: ContentIndex, states: dict[str, ItemState],
                    started: dict[str, bool] | None = None) -> set[str]:
    """Topics whose prerequisites with content have all been started."""
    if started is None:
        started = _topic_started(index.items, states)  # only topics with content are keys
    out = set()
    for tid, topic in index.topics.items():
        if all(started.get(p, True) for p in topic.prerequisites):
            out.add(tid)
    return out


def kata_topics_open(index: ContentIndex, started: dict[str, bool],
                     starting: set[str]) -> set[str]:
    """Topics whose katas can be new today: every prerequisite with content is started,
    or starts today (its new cards are in today's plan). The kata's own topic need not
    be started: a kata is practice, not a reward for finishing the cards."""
    return {tid for tid, topic in index.topics.items()
            if all(started.get(p, True) or p in starting for p in topic.prerequisites)}


def is_glossary(item: Item) -> bool:
    """A topic's glossary table (ids end in `-glossary`, tagged `glossary`): it comes after
    the topic's questions, so a topic starts with an idea, not a vocabulary list."""
    return item.note_id.endswith("-glossary")


def interleave(reviews: list[PlanEntry], new: list[PlanEntry]) -> list[PlanEntry]:
    """Spread new items evenly through the reviews, a review first (as Anki's 'mix')."""
    if not new:
        return list(reviews)
    if not reviews:
        return list(new)
    out: list[PlanEntry] = []
    step = (len(reviews) + len(new)) / len(new)
    slots = {int((i + 0.5) * step) for i in range(len(new))}
    ri, ni = iter(reviews), iter(new)
    for pos in range(len(reviews) + len(new)):
        nxt = next(ni, None) if pos in slots else next(ri, None)
        if nxt is None:
            nxt = next(ri, None) or next(ni)
        out.append(nxt)
    return out


def separate_siblings(entries: list[PlanEntry]) -> list[PlanEntry]:
    """Reorder so that two items of one note never follow each other, where possible."""
    out = list(entries)
    for i in range(1, len(out)):
        if out[i].item.note_id != out[i - 1].item.note_id:
            continue
        for j in range(i + 1, len(out)):
            if out[j].item.note_id != out[i - 1].item.note_id:
                out.insert(i, out.pop(j))
                break
    return out


def _plan_first(new: list[PlanEntry], scope: Scope, index: ContentIndex,
                started: dict[str, bool], unlocked: set[str],
                plan_left: int) -> list[PlanEntry]:
    """New items with the plan's current topics first (in the plan's order). A plan topic
    waits for its prerequisites inside the plan (started, or starting earlier today);
    one outside the plan does not hold it: the plan's author chose the order."""
    rank = {t: i for i, t in enumerate(scope.first)}
    ordered = sorted(new, key=lambda e: rank.get(e.item.topic, len(rank)))  # stable
    starting: set[str] = set()
    out: list[PlanEntry] = []
    for e in ordered:
        t = e.item.topic
        if t in scope.within and t not in rank:
            continue  # a later stretch's topic waits for its days
        if t in rank:
            if plan_left <= 0:
                continue  # the plan's pace is met: the rest (mixed in) may follow
            plan_left -= 1
        if t not in unlocked and not all(
                started.get(p, True) or p in starting or p not in scope.within
                for p in index.topics[t].prerequisites):
            continue
        starting.add(t)
        out.append(e)
    return out


def plan(
    index: ContentIndex,
    states: dict[str, ItemState],
    graded_today: dict[str, tuple[int, int]],
    settings: Settings,
    srs: Srs,
    days: DayClock,
    now: datetime,
    typical_s: tuple[float | None, float | None] = (None, None),
    scope: Scope | None = None,
) -> Plan:
    """`scope`: a running plan or goal (study/plans.py): its current topics come first, at
    its pace; topics outside it wait (unless it mixes them in). Reviews due never wait."""
    today = days.day_of(now)
    now_ms = to_ms(now)
    end_ms = to_ms(days.day_start(today + timedelta(days=1)))
    result = Plan(day=today)

    # Notes with a grade today: their other deletions wait until tomorrow.
    buried_notes: dict[str, set[str]] = defaultdict(set)
    if settings.bury_siblings:
        for item_id in graded_today:
            buried_notes[item_id.split("#", 1)[0]].add(item_id)
    new_cards_done = sum(1 for i, (_, sb) in graded_today.items()
                         if sb == NEW and i not in index.katas)
    new_katas_done = sum(1 for i, (_, sb) in graded_today.items()
                         if sb == NEW and i in index.katas)
    reviews_done = sum(1 for i, (_, sb) in graded_today.items() if sb != NEW)
    result.new_done_today = new_cards_done
    result.reviews_done_today = reviews_done

    started = _topic_started(index.items, states)
    unlocked = unlocked_topics(index, states, started)
    learning: list[PlanEntry] = []
    reviews: list[PlanEntry] = []
    new: list[PlanEntry] = []
    kata_due: list[PlanEntry] = []
    kata_new: list[PlanEntry] = []
    new_notes: set[str] = set()
    for it in index.items:
        s = states.get(it.id)
        if s is not None and (s.suspended or (s.buried_until_ms or 0) > now_ms):
            continue
        grades_note = buried_notes.get(it.note_id)
        if grades_note and it.id not in grades_note:
            continue  # a sibling was reviewed today
        if s is None or s.state == NEW:
            if scope is not None and scope.hold_outside and it.topic not in scope.within:
                continue  # the plan first
            if it.kind == "kata":  # its topic's prerequisites are checked below
                kata_new.append(PlanEntry(it, "kata-new"))
                continue
            if it.topic not in unlocked and (scope is None or it.topic not in scope.within):
                continue
            if not settings.bury_siblings or it.note_id not in new_notes:
                new_notes.add(it.note_id)
                new.append(PlanEntry(it, "new"))
            continue
        due = s.due_ms or 0
        if s.state in (LEARNING, RELEARNING):
            entry = PlanEntry(it, "kata-review" if it.kind == "kata" else "learning", due)
            if due <= now_ms:
                (kata_due if it.kind == "kata" else learning).append(entry)
            elif due < end_ms:
                result.learning_later.append(entry)
        elif s.state == REVIEW and due < end_ms:
            r = srs.retrievability(s, now)
            entry = PlanEntry(it, "kata-review" if it.kind == "kata" else "review", due, r)
            (kata_due if it.kind == "kata" else reviews).append(entry)
        elif s.state == REVIEW and scope is not None and scope.boost_retention is not None and (
                (it.kind == "kata" and scope.boost_katas) or it.topic in scope.boost_topics):
            # Before an interview these are held to a higher recall: due once below it.
            r = srs.retrievability(s, now)
            if r < scope.boost_retention:
                entry = PlanEntry(it, "kata-review" if it.kind == "kata" else "review", due, r)
                (kata_due if it.kind == "kata" else reviews).append(entry)

    learning.sort(key=lambda e: e.due_ms or 0)
    reviews.sort(key=lambda e: (e.retrievability or 0.0, e.item.order))
    reviews = reviews[: max(0, settings.max_reviews_per_day - reviews_done)]
    if new:
        # Within a topic the questions come first, its glossary last.
        new.sort(key=lambda e: (e.item.order[0], is_glossary(e.item), e.item.order[1:]))
    if scope is not None:
        new = _plan_first(new, scope, index, started, unlocked,
                          max(0, scope.plan_today - new_cards_done))
    new_limit = settings.new_per_day if scope is None else scope.new_today
    new = new[: max(0, new_limit - new_cards_done)]
    kata_due.sort(key=lambda e: (e.retrievability or 0.0, e.due_ms or 0))
    if kata_new:
        open_topics = kata_topics_open(index, started, {e.item.topic for e in new})
        kata_new = [e for e in kata_new if e.item.topic in open_topics]
        if scope is not None:
            rank = {t: i for i, t in enumerate(scope.first)}
            kata_new.sort(key=lambda e: rank.get(e.item.topic, len(rank)))
    katas = kata_due + kata_new[: max(0, settings.new_katas_per_day - new_katas_done)]

    cards = separate_siblings(learning + interleave(reviews, new))
    kata_first = settings.kata_first or (scope is not None and scope.kata_first)
    result.entries = katas + cards if kata_first else cards + katas
    review_s = typical_s[0] or DEFAULT_REVIEW_S
    new_s = typical_s[1] or DEFAULT_NEW_S
    kata_min = sum(float(index.katas[e.item.id].time_budget_min) for e in katas)
    result.estimated_minutes = (
        (len(learning) + len(reviews)) * review_s + len(new) * new_s
    ) / 60 + kata_min
    return result
