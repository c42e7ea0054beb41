"""FSRS scheduling of one item, deterministically.

The state of an item is a pure function of its event history: `apply` folds one
event into a state, and the store uses the same function live and when it
rebuilds from the log, so the two always agree.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State
from fsrs.scheduler import MAX_DIFFICULTY, MIN_DIFFICULTY, STABILITY_MIN

from study.clock import UTC, from_ms, to_ms

NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
STATE_NAMES = {NEW: "new", LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def stable_int(text: str) -> int:
    """A stable 63-bit integer for a string (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


@dataclass
class ItemState:
    item_id: str
    kind: str = "card"
    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due_ms: int | None = None
    last_review_ms: int | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until_ms: int | None = None
    leech: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemState:
        return cls(**data)

    @property
    def is_new(self) -> bool:
        return self.state == NEW

    def due(self) -> datetime | None:
        return from_ms(self.due_ms) if self.due_ms is not None else None


class _SeededScheduler(Scheduler):
    """fsrs' scheduler with fuzz drawn from a per-review seed instead of global random.

    Anki seeds its fuzz from the card id and review count; we do the same so
    replaying the log gives exactly the live schedule.
    """

    rng: random.Random = random.Random(0)

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
        from fsrs.scheduler import FUZZ_RANGES

        interval_days = interval.days
        if interval_days < 2.5:
            return interval
        delta = 1.0
        for r in FUZZ_RANGES:
            delta += r["factor"] * max(min(float(interval_days), r["end"]) - r["start"], 0.0)
        min_ivl = max(2, round(interval_days - delta))
        max_ivl = min(round(interval_days + delta), self.maximum_interval)
        min_ivl = min(min_ivl, max_ivl)
        days = self.rng.random() * (max_ivl - min_ivl + 1) + min_ivl
        return timedelta(days=min(round(days), self.maximum_interval))


@dataclass(frozen=True)
class SchedulerConfig:
    desired_retention: float = 0.9
    maximum_interval: int = 36500
    leech_threshold: int = 8
    leech_action: str = "suspend"


class Srs:
    def __init__(self, config: SchedulerConfig | None = None) -> None:
        self.config = config or SchedulerConfig()
        self._cards = self._scheduler("card", None)
        self._katas = self._scheduler("kata", None)
        self._fold_cards = _Fold(self._cards)
        self._fold_katas = _Fold(self._katas)

    def _scheduler(self, kind: str, parameters: Sequence[float] | None) -> _SeededScheduler:
        extra: dict[str, Any] = {}
        if kind == "kata":
            # A kata is a day's work, not a flashcard: no 1-minute learning steps;
            # a pass schedules days out, a failure comes back the next day.
            extra = {"learning_steps": (), "relearning_steps": ()}
        if parameters is not None:
            extra["parameters"] = tuple(parameters)
        return _SeededScheduler(desired_retention=self.config.desired_retention,
                                maximum_interval=self.config.maximum_interval, **extra)

    # -- fitted parameters (study.optimize): cards and katas each have their own -------

    def set_parameters(self, kind: str, parameters: Sequence[float] | None) -> None:
        """Schedule `kind` with these FSRS parameters from now on (None: the defaults).
        Changes this object in place, so every holder of it schedules alike."""
        sched = self._scheduler(kind, parameters)
        if kind == "kata":
            self._katas, self._fold_katas = sched, _Fold(sched)
        else:
            self._cards, self._fold_cards = sched, _Fold(sched)

    def parameters(self, kind: str) -> tuple[float, ...]:
        return tuple(self._fsrs_for_kind(kind).parameters)

    def fold_with(self, kind: str, parameters: Sequence[float] | None) -> _Fold:
        """A replay fold for `kind` under a given parameter set (a rebuild switches folds
        where the log records a new set)."""
        return _Fold(self._scheduler(kind, parameters))

    def _fsrs_for_kind(self, kind: str) -> _SeededScheduler:
        return self._katas if kind == "kata" else self._cards

    def _fsrs_for(self, s: ItemState) -> _SeededScheduler:
        return self._katas if s.kind == "kata" else self._cards

    # -- fsrs bridging ---------------------------------------------------------

    def _to_fsrs(self, s: ItemState) -> FsrsCard:
        card_id = stable_int(s.item_id)
        if s.state == NEW:
            return FsrsCard(card_id=card_id, due=from_ms(s.due_ms or 0))
        return FsrsCard(
            card_id=card_id,
            state=State(s.state),
            step=s.step,
            stability=s.stability,
            difficulty=s.difficulty,
            due=from_ms(s.due_ms or 0),
            last_review=from_ms(s.last_review_ms) if s.last_review_ms is not None else None,
        )

    def _reviewed(self, s: ItemState, rating: int, at: datetime) -> FsrsCard:
        fsrs = self._fsrs_for(s)
        fsrs.rng = random.Random(stable_int(f"{s.item_id}/{s.reps}"))
        card, _ = fsrs.review_card(self._to_fsrs(s), Rating(rating), at.astimezone(UTC))
        return card

    # -- public API ------------------------------------------------------------

    def grade(self, s: ItemState, rating: int, at: datetime) -> ItemState:
        """The state after grading `s` with `rating` (1-4) at `at`."""
        if rating not in RATING_NAMES:
            raise ValueError(f"rating must be 1-4, got {rating!r}")
        card = self._reviewed(s, rating, at)
        lapses = s.lapses + (1 if rating == 1 and s.state == REVIEW else 0)
        new = replace(
            s,
            state=int(card.state.value),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due_ms=to_ms(card.due),
            last_review_ms=to_ms(at),
            reps=s.reps + 1,
            lapses=lapses,
            buried_until_ms=None,
        )
        if lapses > s.lapses and self._is_leech_lapse(lapses):
            new.leech = True
            if self.config.leech_action == "suspend":
                new.suspended = True
        return new

    def _is_leech_lapse(self, lapses: int) -> bool:
        """Leech at the threshold, then again every half threshold (as Anki does)."""
        t = self.config.leech_threshold
        if lapses < t:
            return False
        step = max(1, t // 2)
        return (lapses - t) % step == 0

    def preview(self, s: ItemState, at: datetime) -> dict[int, datetime]:
        """When the item would next be due for each rating, without changing anything."""
        return {r: from_ms(self.grade(s, r, at).due_ms or 0) for r in RATING_NAMES}

    def retrievability(self, s: ItemState, at: datetime) -> float:
        if s.state == NEW or s.stability is None or s.last_review_ms is None:
            return 0.0
        card = self._to_fsrs(s)
        return float(self._fsrs_for(s).get_card_retrievability(card, at.astimezone(UTC)))

    def apply(self, s: ItemState, event: str, at: datetime, rating: int | None = None,
              until_ms: int | None = None) -> ItemState:
        """Fold one logged event into a state (the store's single source of change)."""
        if event == "grade":
            assert rating is not None
            return self.grade(s, rating, at)
        if event == "suspend":
            return replace(s, suspended=True)
        if event == "unsuspend":
            return replace(s, suspended=False)
        if event == "bury":
            return replace(s, buried_until_ms=until_ms)
        if event == "unbury":
            return replace(s, buried_until_ms=None)
        if event == "forget":
            return ItemState(s.item_id, s.kind, suspended=s.suspended)
        raise ValueError(f"unknown event {event!r}")

    def fold(self, item_id: str, kind: str,
             events: list[tuple[str, int | None, int, int | None]]) -> ItemState | None:
        """The state after `events` (event, rating, ts_ms, until_ms), oldest first, undone
        grades already left out; None if there are none. Equal to folding `apply`."""
        acc = self.fold_start(kind)
        step = self.fold_step
        for event, rating, ts, until_ms in events:
            step(acc, event, rating, ts, until_ms)
        return self.fold_end(item_id, acc)

    # The replay in three parts, so a rebuild can walk the whole log once, in order,
    # keeping one small accumulator per item instead of each item's events.

    def fold_start(self, kind: str) -> list[Any]:
        f = self._fold_katas if kind == "kata" else self._fold_cards
        # kind, fold, state, step, stability, difficulty, last_ms, last_us, reps, lapses,
        # suspended, leech, buried_until_ms, pending due, touched
        return [kind, f, NEW, None, None, None, None, None, 0, 0, False, False, None, None,
                False]

    def fold_step(self, acc: list[Any], event: str, rating: int | None, ts: int,
                  until_ms: int | None) -> None:
        """Fold one event into an accumulator from `fold_start` (fsrs' arithmetic, inlined).

        This runs once per logged event in every rebuild, import and sync (a million times
        for a big import), so `_Fold`'s formulas are written out here with their per-rating
        constants looked up: the same float operations in the same order, so every result
        is bit for bit what `_Fold` (and fsrs) gives; test_fold compares them.
        """
        acc[14] = True
        if event != "grade":
            if event == "suspend":
                acc[10] = True
            elif event == "unsuspend":
                acc[10] = False
            elif event == "bury":
                acc[12] = until_ms
            elif event == "unbury":
                acc[12] = None
            elif event == "forget":
                acc[2:14] = [NEW, None, None, None, None, None, 0, 0, acc[10], False, None,
                             None]
            else:
                raise ValueError(f"unknown event {event!r}")
            return
        if rating not in RATING_NAMES:
            raise ValueError(f"rating must be 1-4, got {rating!r}")
        assert rating is not None
        _, f, state, step, stab, diff, _, last_us, reps, lapses, suspended, leech, _, _, _ = acc
        at_us = ts * 1000 if 0 <= ts < _EXACT_MS else _ms_as_us(ts)
        before = state
        if before == NEW:
            state, step, days = LEARNING, 0, None
        else:
            days = (at_us - last_us) // 86_400_000_000 if last_us is not None else None
        ivl: timedelta | int  # a step, or whole days (made a timedelta only at the end)
        if state in (LEARNING, RELEARNING):
            steps = f.learning if state == LEARNING else f.relearning
            assert step is not None
            if stab is None or diff is None:
                stab, diff = f.init_s_of[rating], f.init_d_of[rating]
            elif days is not None and days < 1:
                stab = _short_s(f, stab, rating)
                diff = _next_d(f, diff, rating)
            else:
                r = (1 + f.factor * max(0, days) / stab) ** f.decay if days is not None else 0
                stab = _next_s(f, diff, stab, r, rating)
                diff = _next_d(f, diff, rating)
            n_steps = len(steps)
            if n_steps == 0 or (step >= n_steps and rating != 1):
                state, step = REVIEW, None
                ivl = _interval(f, stab)
            elif rating == 1:
                step = 0
                ivl = steps[0]
            elif rating == 2:
                if step == 0 and n_steps == 1:
                    ivl = steps[0] * 1.5
                elif step == 0 and n_steps >= 2:
                    ivl = (steps[0] + steps[1]) / 2.0
                else:
                    ivl = steps[step]
            elif rating == 3:
                if step + 1 == n_steps:
                    state, step = REVIEW, None
                    ivl = _interval(f, stab)
                else:
                    step += 1
                    ivl = steps[step]
            else:
                state, step = REVIEW, None
                ivl = _interval(f, stab)
        else:  # REVIEW: most events, so `_next_s` (but for a lapse), `_next_d` and
            # `_interval` are written out here, operation for operation
            assert stab is not None and diff is not None
            if days is not None and days < 1:
                stab = _short_s(f, stab, rating)
            else:
                r = (1 + f.factor * (days if days > 0 else 0) / stab) ** f.decay \
                    if days is not None else 0
                if rating == 1:
                    stab = _next_s(f, diff, stab, r, rating)
                else:
                    g = f.e_p8 * (11 - diff) * (stab ** f.neg_p9) * ((_E ** ((1 - r) * f.p10))
                                                                      - 1)
                    if rating == 2:
                        g = g * f.p15
                    elif rating == 4:
                        g = g * f.p16
                    stab = stab * (1 + g)
                    if stab < STABILITY_MIN:
                        stab = STABILITY_MIN
            diff = f.d_target + f.d_keep * (diff + (10.0 - diff) * f.delta_of[rating] / 9.0)
            if diff < MIN_DIFFICULTY:
                diff = MIN_DIFFICULTY
            elif diff > MAX_DIFFICULTY:
                diff = MAX_DIFFICULTY
            if rating == 1 and f.relearning:
                state, step = RELEARNING, 0
                ivl = f.relearning[0]
            else:
                whole = round((stab / f.factor) * f.ivl_mult)
                ivl = 1 if whole < 1 else f.max_ivl if whole > f.max_ivl else whole
        new_lapses = lapses
        if rating == 1 and before == REVIEW:
            new_lapses += 1
            if self._is_leech_lapse(new_lapses):
                leech = True
                if self.config.leech_action == "suspend":
                    suspended = True
        # What to_ms(from_ms(ts)) gives (a float round trip may lose a millisecond).
        last_ms = int((at_us / 1_000_000) * 1000)
        acc[2:14] = [state, step, stab, diff, last_ms,
                     at_us if last_ms == ts else _ms_as_us(last_ms), reps + 1, new_lapses,
                     suspended, leech, None, (ts, ivl, state == REVIEW, reps)]

    def fold_end(self, item_id: str, acc: list[Any]) -> ItemState | None:
        """The state an accumulator stands for; None if no event reached it. Only the last
        grade's fuzz is drawn: a due date never feeds the next review, only the final one
        is kept."""
        if not acc[14]:
            return None
        kind, f, state, step, stab, diff, last_ms, _, reps, lapses, suspended, leech, buried, \
            pending, _ = acc
        due_ms = None
        if pending is not None:
            ts, days_or_step, fuzz, reps_before = pending
            at = from_ms(ts)
            ivl = days_or_step if isinstance(days_or_step, timedelta) else timedelta(
                days=days_or_step)
            if fuzz:
                fsrs = f.fsrs
                fsrs.rng = random.Random(stable_int(f"{item_id}/{reps_before}"))
                ivl = fsrs._get_fuzzed_interval(interval=ivl)
            due_ms = to_ms(at + ivl)
        return ItemState(item_id, kind, state, step, stab, diff, due_ms, last_ms, reps, lapses,
                         suspended, buried, leech)


# Below 2**32 seconds (the year 2106) a millisecond count divided by 1000 is within half a
# microsecond of exact, so `_ms_as_us` is the plain product there (a test checks the edge).
_EXACT_MS = 2**32 * 1000
_E = math.e


def _ms_as_us(ms: int) -> int:
    """The microseconds since the epoch of `clock.from_ms(ms)`, by the same arithmetic as
    CPython's fromtimestamp (split, then round half to even), without a datetime."""
    t = ms / 1000
    whole = math.floor(t)
    us = round((t - whole) * 1e6)
    return whole * 1_000_000 + us


def _short_s(f: _Fold, stability: float, rating: int) -> float:
    """`_Fold.short_s`, with the rating's factor looked up."""
    inc = f.short_e[rating] * (stability ** f.neg_p19)
    if rating != 1 and inc < 1.0:
        inc = 1.0
    out = stability * inc
    return STABILITY_MIN if out < STABILITY_MIN else out


def _next_d(f: _Fold, difficulty: float, rating: int) -> float:
    """`_Fold.next_d`, with the rating's constants looked up."""
    arg_2 = difficulty + (10.0 - difficulty) * f.delta_of[rating] / 9.0
    d = f.d_target + f.d_keep * arg_2
    if d < MIN_DIFFICULTY:
        return MIN_DIFFICULTY
    return MAX_DIFFICULTY if d > MAX_DIFFICULTY else d


def _next_s(f: _Fold, d: float, s: float, r: float, rating: int) -> float:
    """`_Fold.next_s`: a penalty or bonus of 1 is left out (x * 1 is x, exactly)."""
    p = f.p
    if rating == 1:
        long_term = (p[11] * (d ** f.neg_p12) * (((s + 1) ** (p[13])) - 1)
                     * (math.e ** ((1 - r) * p[14])))
        short = s / f.forget_short
        out = short if short < long_term else long_term
    else:
        g = f.e_p8 * (11 - d) * (s ** f.neg_p9) * ((math.e ** ((1 - r) * p[10])) - 1)
        if rating == 2:
            g = g * p[15]
        elif rating == 4:
            g = g * p[16]
        out = s * (1 + g)
    return STABILITY_MIN if out < STABILITY_MIN else out


def _interval(f: _Fold, stability: float) -> int:
    """`_Fold.interval`."""
    ivl = round((stability / f.factor) * f.ivl_mult)
    if ivl < 1:
        return 1
    return f.max_ivl if ivl > f.max_ivl else ivl


class _Fold:
    """FSRS replay of one item's log without fsrs objects: the same float operations in the
    same order as `fsrs.Scheduler.review_card`, so the result is identical to folding
    `Srs.apply` event by event (a test compares them), at a fraction of the cost.

    Only the last grade's fuzz is drawn: a due date never feeds the next review's
    memory state, only the final one is kept.
    """

    def __init__(self, fsrs: _SeededScheduler) -> None:
        p = fsrs.parameters
        self.fsrs = fsrs
        self.p = p
        self.decay = fsrs._DECAY
        self.factor = fsrs._FACTOR
        self.learning = fsrs.learning_steps
        self.relearning = fsrs.relearning_steps
        self.max_ivl = fsrs.maximum_interval
        self.ivl_mult = (fsrs.desired_retention ** (1 / self.decay)) - 1
        self.d_easy = p[4] - (math.e ** (p[5] * (4 - 1))) + 1
        self.e_p8 = math.e ** p[8]
        self.forget_short = math.e ** (p[17] * p[18])
        # Per-rating constants for `Srs.fold_step` (index: the rating), each computed by
        # the expression it stands for in the methods below, so no result changes.
        ratings = (1, 2, 3, 4)
        self.init_s_of = (0.0, *(self.init_s(r) for r in ratings))
        self.init_d_of = (0.0, *(self.init_d(r) for r in ratings))
        self.short_e = (0.0, *(math.e ** (p[17] * (r - 3 + p[18])) for r in ratings))
        self.delta_of = (0.0, *(-(p[6] * (r - 3)) for r in ratings))
        self.d_target = p[7] * self.d_easy
        self.d_keep = 1 - p[7]
        self.neg_p9, self.neg_p12, self.neg_p19 = -p[9], -p[12], -p[19]
        self.p10, self.p15, self.p16 = p[10], p[15], p[16]

    def clamp_s(self, s: float) -> float:
        return max(s, STABILITY_MIN)

    def clamp_d(self, d: float) -> float:
        return min(max(d, MIN_DIFFICULTY), MAX_DIFFICULTY)

    def init_s(self, rating: int) -> float:
        return self.clamp_s(self.p[rating - 1])

    def init_d(self, rating: int) -> float:
        p = self.p
        return self.clamp_d(p[4] - (math.e ** (p[5] * (rating - 1))) + 1)

    def interval(self, stability: float) -> int:
        ivl = (stability / self.factor) * self.ivl_mult
        return min(max(round(ivl), 1), self.max_ivl)

    def short_s(self, stability: float, rating: int) -> float:
        p = self.p
        inc = (math.e ** (p[17] * (rating - 3 + p[18]))) * (stability ** -p[19])
        if rating in (2, 3, 4):
            inc = max(inc, 1.0)
        return self.clamp_s(stability * inc)

    def next_d(self, difficulty: float, rating: int) -> float:
        p = self.p
        delta = -(p[6] * (rating - 3))
        arg_2 = difficulty + (10.0 - difficulty) * delta / 9.0
        return self.clamp_d(p[7] * self.d_easy + (1 - p[7]) * arg_2)

    def next_s(self, d: float, s: float, r: float, rating: int) -> float:
        p = self.p
        if rating == 1:
            long_term = (p[11] * (d ** -p[12]) * (((s + 1) ** (p[13])) - 1)
                         * (math.e ** ((1 - r) * p[14])))
            out = min(long_term, s / self.forget_short)
        else:
            hard_penalty = p[15] if rating == 2 else 1
            easy_bonus = p[16] if rating == 4 else 1
            out = s * (1 + self.e_p8 * (11 - d) * (s ** -p[9])
                       * ((math.e ** ((1 - r) * p[10])) - 1) * hard_penalty * easy_bonus)
        return self.clamp_s(out)

    def retrievability(self, s: float, elapsed_days: int) -> float:
        return (1 + self.factor * max(0, elapsed_days) / s) ** self.decay


def format_interval(delta: timedelta) -> str:
    """Short human interval: 45s, 10m, 3h, 4d, 2.5mo, 1.2y."""
    secs = float(max(0, round(delta.total_seconds())))  # 59.999 s is a minute
    if secs < 60:
        return f"{round(secs)}s"
    if secs < 3600:
        return f"{round(secs / 60)}m"
    if secs < 86400:
        return f"{round(secs / 3600)}h"
    days = secs / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
