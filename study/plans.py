"""Following a plan or a deadline: what is in scope, the pace, ahead/behind, forecasts.

The target in force (a bundled or user plan started on a date, or a deadline goal) is
kept in the home's `meta` table as JSON, as are the projects, papers and milestone
checks ticked by hand, so a backup or a second machine carries them with the log.
Everything else is computed from content, item states and the review log: nothing
here imports Textual or torch.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from study.clock import from_ms, to_ms
from study.errors import UsageError
from study.models import ContentIndex, StudyPlan, Tickable
from study.scheduler import NEW, ItemState, Srs

if TYPE_CHECKING:
    from study.core import Study
    from study.store import Store

TARGET_KEY = "study_target"  # meta: the plan or goal in force
TICKS_KEY = "plan_ticks"  # meta: {plan id: {tick id: {"on": date, "note": text}}}
DEFAULT_REVIEW_S = 10.0
DEFAULT_NEW_S = 25.0
HISTORY_DAYS = 14  # the learner's own rate of new cards is read over this many days


@dataclass
class Target:
    """The plan or goal in force."""

    kind: str  # "plan" or "goal"
    start: str  # ISO date: the plan's day 1, or the day the goal was set
    plan_id: str = ""
    by: str = ""  # goal: ISO date
    tracks: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    interview: bool = False
    total: int = 0  # items in scope still new when it was set (the baseline pace)

    @property
    def start_day(self) -> date:
        return date.fromisoformat(self.start)

    @property
    def by_day(self) -> date | None:
        return date.fromisoformat(self.by) if self.by else None


@dataclass(frozen=True)
class Scope:
    """What the planner needs from a target: pure data, cheap to pass."""

    within: frozenset[str]  # every topic the target covers
    first: tuple[str, ...]  # topics whose new items come first today, in order
    new_today: int  # new cards for the whole of today (those already done included)
    hold_outside: bool  # new items outside `within` wait
    plan_today: int = 0  # of `new_today`, the target's own (the pace); the rest mixed in
    kata_first: bool = False
    boost_retention: float | None = None  # interview: review these earlier
    boost_topics: frozenset[str] = frozenset()
    boost_katas: bool = False


# --- storage ---------------------------------------------------------------------------


def _meta_get(store: Store, key: str) -> Any:
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if not row:
        return None
    try:
        return json.loads(row[0])
    except ValueError:
        return None  # a damaged value reads as none set; the next write replaces it


def _meta_put(store: Store, key: str, value: Any) -> None:
    with store.transaction() as c:
        if value is None:
            c.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                      (key, json.dumps(value, ensure_ascii=False)))


def read_target(store: Store) -> Target | None:
    data = _meta_get(store, TARGET_KEY)
    if not isinstance(data, dict):
        return None
    try:
        return Target(**data)
    except TypeError:
        return None


def write_target(store: Store, target: Target | None) -> None:
    _meta_put(store, TARGET_KEY, asdict(target) if target else None)


def ticks(store: Store, plan_id: str) -> dict[str, dict[str, str]]:
    data = _meta_get(store, TICKS_KEY)
    got = data.get(plan_id, {}) if isinstance(data, dict) else {}
    return got if isinstance(got, dict) else {}


def set_tick(store: Store, plan_id: str, tick_id: str, on: date | None, note: str = "") -> None:
    """Tick (or, with `on=None`, untick) a project, paper or milestone check."""
    data = _meta_get(store, TICKS_KEY)
    data = data if isinstance(data, dict) else {}
    mine = data.setdefault(plan_id, {})
    if on is None:
        mine.pop(tick_id, None)
    else:
        mine[tick_id] = {"on": on.isoformat(), "note": note}
    _meta_put(store, TICKS_KEY, data)


def tickables(p: StudyPlan) -> dict[str, tuple[str, Tickable]]:
    """Every tickable of a plan by id, with its kind."""
    out: dict[str, tuple[str, Tickable]] = {}
    for s in p.stretches:
        out |= {t.id: ("project", t) for t in s.projects}
        out |= {t.id: ("paper", t) for t in s.papers}
    out |= {t.id: ("paper", t) for t in p.papers}
    for m in p.milestones:
        out |= {t.id: ("check", t) for t in m.checks}
    return out


# --- scope and pace ----------------------------------------------------------------------


def goal_topics(index: ContentIndex, tracks: list[str], topics: list[str]) -> list[str]:
    """A goal's topics in curriculum order: the tracks' and the named ones (all if none)."""
    for t in tracks:
        if t not in index.tracks:
            raise UsageError(f"unknown track {t!r} (known: {', '.join(index.tracks)})")
    for t in topics:
        if t not in index.topics:
            raise UsageError(f"unknown topic {t!r}")
    if not tracks and not topics:
        chosen = set(index.topics)
    else:
        chosen = set(topics) | {t for tr in tracks for t in index.tracks[tr].topics}
    return sorted(chosen, key=lambda t: index.topics[t].order)


def _new_by_topic(index: ContentIndex, states: dict[str, ItemState],
                  introduced_today: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Per topic: cards still new at the start of today, and cards in all."""
    left: dict[str, int] = {}
    total: dict[str, int] = {}
    for it in index.items:
        if it.kind != "card":
            continue
        total[it.topic] = total.get(it.topic, 0) + 1
        s = states.get(it.id)
        if s is None or s.reps == 0 or it.id in introduced_today:
            left[it.topic] = left.get(it.topic, 0) + 1
    return left, total


@dataclass
class Progress:
    """Where the learner stands against the target: the numbers the CLI and the app show."""

    kind: str
    title: str
    title_zh: str
    start: date
    end: date  # the plan's last day, or the goal's date
    today: date
    stretch_id: str = ""
    stretch_title: str = ""
    stretch_title_zh: str = ""
    stretch_end: date | None = None
    topics: list[str] = field(default_factory=list)
    current_topics: list[str] = field(default_factory=list)
    total: int = 0
    remaining: int = 0  # new cards in scope at the start of today
    new_per_day: int = 0  # today's pace
    baseline_per_day: float = 0.0  # the pace when the target was set
    minutes_per_day: float = 0.0
    minutes_needed: float = 0.0  # at the full pace, before any cut to the maximum
    review_s: float = DEFAULT_REVIEW_S
    new_s: float = DEFAULT_NEW_S
    reviews_per_day: float = 0.0
    history_per_day: float | None = None  # the learner's own new cards a day, recently
    history_finish: date | None = None  # when that rate would finish
    days_ahead: int = 0  # negative: behind
    projected_finish: date | None = None
    capped: bool = False  # the pace was cut to fit max_minutes_per_day
    interview: bool = False
    messages: list[str] = field(default_factory=list)
    planned: list[float] = field(default_factory=list)  # planned introduced, day by day
    # A plan's stretches: (first day, last day, new cards left), for the projection.
    schedule: list[tuple[int, int, int]] = field(default_factory=list)
    actual_done: int = 0

    @property
    def days_left(self) -> int:
        return (self.end - self.today).days

    @property
    def on_track(self) -> bool:
        return self.projected_finish is not None and self.projected_finish <= self.end

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "title": self.title, "title_zh": self.title_zh,
            "start": self.start.isoformat(), "by": self.end.isoformat(),
            "today": self.today.isoformat(), "days_left": self.days_left,
            "stretch": self.stretch_id or None, "stretch_title": self.stretch_title or None,
            "stretch_title_zh": self.stretch_title_zh or None,
            "stretch_end": self.stretch_end.isoformat() if self.stretch_end else None,
            "current_topics": self.current_topics,
            "new_total": self.total, "new_remaining": self.remaining,
            "new_done": self.total - self.remaining if self.total else self.actual_done,
            "new_per_day": self.new_per_day,
            "baseline_new_per_day": round(self.baseline_per_day, 1),
            "minutes_per_day": round(self.minutes_per_day, 1),
            "reviews_per_day": round(self.reviews_per_day, 1),
            "seconds_per_review": round(self.review_s, 1),
            "seconds_per_new": round(self.new_s, 1),
            "history_new_per_day": None if self.history_per_day is None
            else round(self.history_per_day, 1),
            "history_finish": self.history_finish.isoformat() if self.history_finish else None,
            "days_ahead": self.days_ahead,
            "projected_finish": self.projected_finish.isoformat()
            if self.projected_finish else None,
            "on_track": self.on_track, "capped": self.capped, "interview": self.interview,
            "messages": self.messages,
        }


def reviews_per_new(srs: Srs, horizon_days: int) -> float:
    """Reviews a new card graded Good every time gets, averaged over the plan's days:
    with n new a day, day t carries n * reviews_within(t) reviews. Today's parameters."""
    horizon = max(1, min(horizon_days, 365))
    at = datetime(2000, 1, 1, 12)
    s = srs.grade(ItemState("x"), 3, at)
    reviews_at: list[float] = []
    while len(reviews_at) < 60:
        due = from_ms(s.due_ms or to_ms(at))
        age = (due - datetime(2000, 1, 1, 12, tzinfo=due.tzinfo)).total_seconds() / 86400
        if age > horizon:
            break
        reviews_at.append(age)
        s = srs.grade(s, 3, due)
    # Mean over t in [0, horizon] of the reviews within t days of introduction.
    return sum((horizon - a) for a in reviews_at) / horizon


def _history_rate(study: Study, today: date, since: date) -> float | None:
    """New cards a day before today, over the last two weeks since the target was set
    (None: under three days of it to go by)."""
    first = max(today - timedelta(days=HISTORY_DAYS), since)
    span = (today - first).days
    if span < 3:
        return None
    n = study.store.conn.execute(
        "SELECT COUNT(DISTINCT item_id) FROM reviews WHERE event = 'grade' AND "
        "state_before = 0 AND kind = 'card' AND day >= ? AND day < ?",
        (first.toordinal(), today.toordinal())).fetchone()[0]
    return n / span


def _typical_seconds(study: Study) -> tuple[float, float]:
    r = study.store.mean_duration_ms(new=False)
    n = study.store.mean_duration_ms(new=True)
    return (r / 1000 if r else DEFAULT_REVIEW_S, n / 1000 if n else DEFAULT_NEW_S)


def _due_load(states: dict[str, ItemState], now_ms: int, days: int = 7) -> float:
    horizon = now_ms + days * 86_400_000
    n = sum(1 for s in states.values()
            if s.state != NEW and not s.suspended and (s.due_ms or 0) < horizon)
    return n / days


def minutes_for(new_per_day: float, base_reviews: float, per_new: float, review_s: float,
                new_s: float) -> float:
    return ((base_reviews + new_per_day * per_new) * review_s + new_per_day * new_s) / 60


def progress(study: Study, target: Target, now: datetime,
             states: dict[str, ItemState] | None = None,
             introduced_today: set[str] | None = None) -> Progress:
    index = study.index
    settings = study.settings
    today = study.days.day_of(now)
    if states is None:
        states = study.store.states()
    if introduced_today is None:
        introduced_today = {i for i, (_, sb) in study.store.graded_today(today).items()
                            if sb == NEW}
    left, total_by = _new_by_topic(index, states, introduced_today)
    review_s, new_s = _typical_seconds(study)
    start = target.start_day
    if target.kind == "plan":
        plan = index.plans.get(target.plan_id)
        if plan is None:
            raise UsageError(f"the running plan {target.plan_id!r} is no longer in the "
                             "content; `study plan list` shows the plans")
        pr = Progress("plan", plan.title, plan.title_zh, start,
                      start + timedelta(days=plan.days - 1), today, review_s=review_s,
                      new_s=new_s)
        pr.topics = plan.topics()
        _pace_plan(pr, plan, left, total_by)
    else:
        by = target.by_day or today
        pr = Progress("goal", f"goal by {by.isoformat()}", "", start, by, today,
                      review_s=review_s, new_s=new_s)
        pr.topics = goal_topics(index, target.tracks, target.topics)
        pr.current_topics = list(pr.topics)
        pr.remaining = sum(left.get(t, 0) for t in pr.topics)
        pr.total = max(target.total, pr.remaining)
        days_avail = max(1, (by - max(today, start)).days + 1)
        pr.new_per_day = math.ceil(pr.remaining / days_avail) if today <= by else pr.remaining
        span = max(1, (by - start).days + 1)
        pr.baseline_per_day = pr.total / span
        pr.planned = [min(pr.total, pr.total * (d + 1) / span) for d in range(span)]
    pr.interview = target.interview
    pr.actual_done = pr.total - pr.remaining
    per_new = reviews_per_new(study.srs, max(1, (pr.end - today).days + 1))
    base = _due_load(states, to_ms(now))
    pr.reviews_per_day = base + pr.new_per_day * per_new
    pr.minutes_per_day = minutes_for(pr.new_per_day, base, per_new, review_s, new_s)
    pr.minutes_needed = pr.minutes_per_day
    cap = settings.max_minutes_per_day
    if pr.minutes_per_day > cap and pr.new_per_day > 0:
        fit = max(0, math.floor((cap * 60 - base * review_s) / (per_new * review_s + new_s)))
        if fit < pr.new_per_day:
            pr.capped = True
            pr.messages.append(f"{pr.new_per_day} new a day would take about "
                               f"{pr.minutes_per_day:.0f} min (max_minutes_per_day = {cap}); "
                               f"{fit} a day fit")
            pr.new_per_day = fit
            pr.reviews_per_day = base + fit * per_new
            pr.minutes_per_day = minutes_for(fit, base, per_new, review_s, new_s)
    pr.history_per_day = _history_rate(study, today, start)
    _forecast(pr)
    return pr


def _pace_plan(pr: Progress, plan: StudyPlan, left: dict[str, int],
               total_by: dict[str, int]) -> None:
    day_no = (pr.today - pr.start).days + 1  # 1-based day of the plan
    pr.total = sum(total_by.get(t, 0) for t in pr.topics)
    pr.remaining = sum(left.get(t, 0) for t in pr.topics)
    # Planned: each stretch's cards spread evenly over its days.
    planned = [0.0] * plan.days
    done_before = 0.0
    for s in plan.stretches:
        n = sum(total_by.get(t, 0) for t in s.topics)
        length = s.last_day - s.first_day + 1
        for d in range(s.first_day - 1, plan.days):
            planned[d] = done_before + n * min(1.0, (d - s.first_day + 2) / length)
        done_before += n
    pr.planned = planned
    pr.baseline_per_day = pr.total / max(1, sum(s.last_day - s.first_day + 1
                                                 for s in plan.stretches if s.topics))
    if day_no < 1:
        pr.messages.append(f"the plan starts on {pr.start.isoformat()}")
        return
    # The stretch in force: the first not over yet; leftovers of earlier ones come first.
    current = next((s for s in plan.stretches if s.last_day >= day_no), None)
    due_topics: list[str] = []
    for s in plan.stretches:
        if current is not None and s.first_day > current.last_day:
            break
        due_topics += [t for t in s.topics if left.get(t, 0)]
    if current is not None:
        pr.stretch_id, pr.stretch_title = current.id, current.title
        pr.stretch_title_zh = current.title_zh
        pr.stretch_end = pr.start + timedelta(days=current.last_day - 1)
        days_avail = current.last_day - max(day_no, current.first_day) + 1
        if day_no < current.first_day:  # a gap between stretches: nothing new is due
            due_topics = [t for t in due_topics if t not in current.topics]
    else:
        days_avail = max(1, plan.days - day_no + 1)
    pr.current_topics = due_topics
    pr.schedule = [(s.first_day, s.last_day, sum(left.get(t, 0) for t in s.topics))
                   for s in plan.stretches]
    due = sum(left.get(t, 0) for t in due_topics)
    pr.new_per_day = math.ceil(due / max(1, days_avail)) if due else 0


def _forecast(pr: Progress) -> None:
    """Ahead/behind in days against the planned curve, and the projected finish."""
    done = pr.total - pr.remaining
    day_idx = (pr.today - pr.start).days  # 0-based; planned[day_idx] is the end of today
    planned_by_yesterday = pr.planned[day_idx - 1] if 0 < day_idx <= len(pr.planned) else (
        0.0 if day_idx <= 0 else (pr.planned[-1] if pr.planned else 0.0))
    # The day by whose end the plan expected what is done now.
    reached = next((d for d, v in enumerate(pr.planned) if v >= done - 1e-9), len(pr.planned))
    if done >= planned_by_yesterday - 1e-9:
        # Ahead (or level): the planned day that matches what is done, less today's index.
        pr.days_ahead = max(0, reached + 1 - day_idx) if done > planned_by_yesterday + 1e-9 \
            and done > 0 else 0
    else:
        pr.days_ahead = -(day_idx - (reached + 1 if done > 0 else 0))
    if pr.today < pr.start:  # not begun: it finishes on time if followed from day 1
        pr.projected_finish = pr.end
        return
    rate = pr.new_per_day
    hist = pr.history_per_day
    if hist is not None and hist > 0 and pr.remaining:
        pr.history_finish = pr.today + timedelta(days=math.ceil(pr.remaining / hist) - 1)
    if pr.remaining == 0:
        pr.projected_finish = pr.today
    elif rate <= 0:
        pr.projected_finish = None
        if pr.capped:
            pr.messages.append("no new cards fit in max_minutes_per_day: the reviews alone "
                               "fill it")
    elif pr.schedule:
        pr.projected_finish = _follow_plan(pr, rate if pr.capped else None)
    else:
        pr.projected_finish = max(pr.today, pr.start) + timedelta(
            days=math.ceil(pr.remaining / rate) - 1)
    if pr.days_ahead < 0 and pr.new_per_day > pr.baseline_per_day + 0.5 and not pr.capped:
        pr.messages.append(f"{-pr.days_ahead} day(s) behind: the pace rises to "
                           f"{pr.new_per_day} new a day (planned {pr.baseline_per_day:.0f}) "
                           f"to finish by {pr.end.isoformat()}")
    elif pr.days_ahead < 0:
        pr.messages.append(f"{-pr.days_ahead} day(s) behind")
    elif pr.days_ahead > 0:
        pr.messages.append(f"{pr.days_ahead} day(s) ahead")
    if pr.projected_finish is not None and pr.projected_finish > pr.end:
        late = (pr.projected_finish - pr.end).days
        pr.messages.append(f"projected finish {pr.projected_finish.isoformat()}: {late} day(s) "
                           f"after {pr.end.isoformat()}")
    if hist is not None and pr.history_finish is not None and hist < 0.8 * pr.new_per_day \
            and pr.history_finish > pr.end:
        pr.messages.append(f"at your recent {hist:.1f} new a day you would finish "
                           f"{pr.history_finish.isoformat()}")


def _plan_takes(pr: Progress, most: int | None) -> list[int] | None:
    """New cards day by day from today if the plan's pace is kept (at most `most` a day
    where the minutes cap it): the same rule as today's pace. None: never finishes."""
    left = [n for _, _, n in pr.schedule]
    day = (pr.today - pr.start).days + 1
    takes: list[int] = []
    for _ in range(3660):
        if not any(left):
            return takes
        cur = next((i for i, (_, end, _) in enumerate(pr.schedule) if end >= day), None)
        if cur is None:
            due_idx, avail = list(range(len(left))), 1
        else:
            first, end, _ = pr.schedule[cur]
            due_idx = list(range(cur if day < first else cur + 1))
            avail = end - max(day, first) + 1
        due = sum(left[i] for i in due_idx)
        take = math.ceil(due / max(1, avail)) if due else 0
        if most is not None:
            take = min(take, most)
        takes.append(take)
        for i in due_idx:
            step = min(take, left[i])
            left[i] -= step
            take -= step
        day += 1
    return None


def _follow_plan(pr: Progress, most: int | None) -> date | None:
    """The day the last new card comes if the plan's pace is kept from today on."""
    takes = _plan_takes(pr, most)
    if takes is None:
        return None
    last = max((i for i, n in enumerate(takes) if n), default=0)
    return pr.today + timedelta(days=last)


def scope_for(study: Study, target: Target | None, now: datetime,
              states: dict[str, ItemState], introduced_today: set[str]) -> Scope | None:
    """What today's plan takes from the target; None when there is none (or it is done)."""
    if target is None:
        return None
    try:
        pr = progress(study, target, now, states, introduced_today)
    except UsageError:
        return None  # a plan removed from the content: plan as if none ran
    settings = study.settings
    interview = target.interview and pr.today <= pr.end
    if pr.remaining == 0 and not interview:
        return None  # done: everything else comes back at the usual rate
    if pr.today < pr.start:
        return None
    boost_topics = frozenset(t for tr in target.tracks if tr in study.index.tracks
                             for t in study.index.tracks[tr].topics) | frozenset(target.topics)
    return Scope(
        within=frozenset(pr.topics),
        first=tuple(pr.current_topics),
        # Mixed in: the plan's pace first, then other topics up to new_per_day.
        new_today=max(pr.new_per_day, settings.new_per_day) if settings.plan_mix_outside
        else pr.new_per_day,
        plan_today=pr.new_per_day,
        hold_outside=not settings.plan_mix_outside and pr.remaining > 0,
        kata_first=interview,
        boost_retention=settings.interview_retention if interview else None,
        boost_topics=boost_topics if interview else frozenset(),
        boost_katas=interview,
    )


# --- starting and stopping -----------------------------------------------------------------


def start_plan(study: Study, plan_id: str, start: date) -> Target:
    if plan_id not in study.index.plans:
        known = ", ".join(sorted(study.index.plans)) or "none"
        bad = next((p for p in study.problems if Path(p.path).parent.name == "plans"), None)
        hint = f"; a plan file has a problem: {bad}" if bad else ""
        raise UsageError(f"unknown plan {plan_id!r} (known: {known}){hint}")
    target = Target("plan", start.isoformat(), plan_id=plan_id)
    write_target(study.store, target)
    return target


def set_goal(study: Study, by: date, tracks: list[str], topics: list[str], interview: bool,
             now: datetime) -> tuple[Target, Progress]:
    """Set a deadline; one that needs more than max_minutes_per_day is refused (UsageError)
    with the earliest date that fits."""
    today = study.days.day_of(now)
    if by < today:
        raise UsageError(f"--by {by.isoformat()} is in the past (today is {today.isoformat()})")
    chosen = goal_topics(study.index, tracks, topics)
    states = study.store.states()
    introduced = {i for i, (_, sb) in study.store.graded_today(today).items() if sb == NEW}
    left, _ = _new_by_topic(study.index, states, introduced)
    remaining = sum(left.get(t, 0) for t in chosen)
    target = Target("goal", today.isoformat(), by=by.isoformat(), tracks=list(tracks),
                    topics=list(topics), interview=interview, total=remaining)
    pr = progress(study, target, now, states, introduced)
    if pr.capped:
        earliest = earliest_fit(study, target, now, states, introduced)
        cap = study.settings.max_minutes_per_day
        hint = f"the earliest date that fits is {earliest.isoformat()}" if earliest else \
            "the reviews already due fill the day; raise it"
        raise UsageError(f"--by {by.isoformat()} needs about {pr.minutes_needed:.0f} min a day "
                         f"({remaining} new cards in {(by - today).days + 1} day(s)), more "
                         f"than max_minutes_per_day = {cap}; {hint}")
    write_target(study.store, target)
    return target, pr


def earliest_fit(study: Study, target: Target, now: datetime, states: dict[str, ItemState],
                 introduced: set[str]) -> date | None:
    """The first date by which the goal fits in max_minutes_per_day (binary search)."""
    today = study.days.day_of(now)

    def fits(days: int) -> bool:
        t = Target(**{**asdict(target), "by": (today + timedelta(days=days)).isoformat()})
        return not progress(study, t, now, states, introduced).capped

    lo, hi = 0, 1
    while not fits(hi):
        hi *= 2
        if hi > 3660:
            return None
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return today + timedelta(days=lo)


# --- milestones and the drill ----------------------------------------------------------------


def evidence(study: Study, tick: Tickable, now: datetime,
             states: dict[str, ItemState] | None = None,
             passes: dict[str, tuple[int, int]] | None = None) -> dict[str, Any] | None:
    """What the app can show for a check: its topics' recall, its katas passed."""
    if not tick.topics and not tick.katas:
        return None
    if states is None:
        states = study.store.states()
    if passes is None:
        passes = study.store.attempt_counts()
    threshold = study.settings.milestone_recall
    topics: dict[str, float | None] = {}
    by_topic: dict[str, list[str]] = {}
    for it in study.index.items:
        if it.kind == "card" and it.topic in tick.topics:
            by_topic.setdefault(it.topic, []).append(it.id)
    for t in tick.topics:
        ids = by_topic.get(t, [])
        seen = [states[i] for i in ids if i in states and states[i].reps > 0]
        if not ids or len(seen) < len(ids):
            topics[t] = None  # not every card studied yet
        else:
            topics[t] = sum(study.srs.retrievability(s, now) for s in seen) / len(seen)
    katas = {k: passes.get(k, (0, 0))[0] > 0 for k in tick.katas}
    met = all(r is not None and r >= threshold for r in topics.values()) and all(katas.values())
    return {"topics": {t: None if r is None else round(r, 3) for t, r in topics.items()},
            "katas": katas, "threshold": threshold, "met": met}


def interview_running(study: Study, now: datetime) -> bool:
    target = read_target(study.store)
    return bool(target and target.interview and target.by_day
                and study.days.day_of(now) <= target.by_day)


def drill_suggestions(study: Study, now: datetime,
                      n: int = 5) -> list[tuple[str, float | None]]:
    """The drill's picks (study.katas.drill_katas: with an interview running, the katas
    most likely forgotten first), each with its recall now (None: never done)."""
    from study.katas import drill_katas

    states = study.store.states()
    return [(k.id, study.srs.retrievability(states[k.id], now)
             if k.id in states and states[k.id].reps else None)
            for k in drill_katas(study, n, now)]


def curves(pr: Progress) -> tuple[list[float], list[float | None]]:
    """Planned and projected new cards done, day by day over the target: the chart.
    Projected: what is done now, then today's pace (None before today)."""
    planned = list(pr.planned)
    today_idx = (pr.today - pr.start).days
    done = float(pr.total - pr.remaining)
    takes = _plan_takes(pr, pr.new_per_day if pr.capped else None) if pr.schedule else None
    projected: list[float | None] = []
    for d in range(len(planned)):
        if d < today_idx:
            projected.append(None)
            continue
        k = d - today_idx
        if takes is not None:
            done += takes[k] if k < len(takes) else 0
        else:
            done += pr.new_per_day
        projected.append(min(float(pr.total), done))
    return planned, projected


def summary(study: Study, now: datetime) -> dict[str, Any] | None:
    """The target with its progress, milestones, projects and papers: `--json` and the app."""
    got = summary_with_progress(study, now)
    return None if got is None else got[0]


def summary_with_progress(study: Study, now: datetime) -> tuple[dict[str, Any], Progress] | None:
    target = read_target(study.store)
    if target is None:
        return None
    pr = progress(study, target, now)
    out: dict[str, Any] = pr.to_dict()
    out["plan"] = target.plan_id or None
    out["tracks"], out["topics"] = target.tracks, target.topics
    if target.interview:
        out["drill"] = [{"kata": k, "recall": None if r is None else round(r, 3)}
                        for k, r in drill_suggestions(study, now)]
    plan = study.index.plans.get(target.plan_id) if target.kind == "plan" else None
    if plan is not None:
        done = ticks(study.store, plan.id)
        states = study.store.states()
        passes = study.store.attempt_counts()

        def row(t: Tickable, **extra: Any) -> dict[str, Any]:
            mark = done.get(t.id)
            return {"id": t.id, "title": t.title, "title_zh": t.title_zh,
                    "ticked": mark is not None, "on": (mark or {}).get("on"),
                    "note": (mark or {}).get("note", ""), **extra}

        out["stretches"] = [
            {"id": s.id, "title": s.title, "title_zh": s.title_zh,
             "start": (pr.start + timedelta(days=s.first_day - 1)).isoformat(),
             "end": (pr.start + timedelta(days=s.last_day - 1)).isoformat(),
             "topics": s.topics} for s in plan.stretches]
        out["projects"] = [row(t, stretch=s.id) for s in plan.stretches for t in s.projects]
        out["papers"] = [row(t, stars=t.stars, stretch=s.id) for s in plan.stretches
                         for t in s.papers] + [row(t, stars=t.stars) for t in plan.papers]
        out["milestones"] = [
            {"id": m.id, "title": m.title, "title_zh": m.title_zh,
             "date": (pr.start + timedelta(days=m.after_day - 1)).isoformat(),
             "checks": [row(c, evidence=evidence(study, c, now, states, passes))
                        for c in m.checks]}
            for m in plan.milestones]
    return out, pr
