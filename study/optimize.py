"""FSRS parameters fitted to the learner's own review log (fsrs-rs, no torch).

The log is read the way Anki reads its revlog for "Optimize": per item, the live
grades since its last reset (`forget`), days counted in study days (the
rollover hour applies), every grade kept in the history so same-day repeats
reach FSRS's short-term model, and one training item per grade that comes on a
later day than the one before (FSRS predicts recall across days). fsrs-rs
filters outliers itself. Below 8 usable reviews the defaults stay; below 64
only the initial stabilities are fitted (fsrs-rs's pretraining), as in Anki.

The health check scores parameters on the newest fifth of the reviews, which
the fit it scores never sees (a time-ordered split): log loss, RMSE(bins) and
AUC together, since RMSE(bins) alone can be gamed. The set adopted is then fitted
on every review; it is adopted only if the split's fit beats the set in use.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import fsrs_rs_python as fsrs_rs

FSRS_VERSION = "FSRS-6"  # what a parameter set is for; another version's set is not used
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs_rs.DEFAULT_PARAMETERS)
N_PARAMETERS = len(DEFAULT_PARAMETERS)
MIN_REVIEWS = 8  # below: keep the defaults (Anki)
MIN_FULL_FIT = 64  # below: only the four initial stabilities (Anki)
HELD_OUT = 0.2  # the newest fifth scores the fit
KINDS = ("card", "kata")


class OptimizeError(Exception):
    """Why nothing could be fitted, in one line."""


@dataclass(frozen=True)
class Dataset:
    """Training items in time order (by the log id of the grade each one predicts)."""

    kind: str
    items: list[Any]  # fsrs_rs.FSRSItem
    card_ids: list[int]
    order: list[int]  # log id of each item's last grade
    passed: list[int]  # 1 if that grade was a recall (not Again)
    elapsed: list[int]  # days since the review before it (fsrs-rs keeps its fields private)
    grades: int  # live grades read
    days: int  # distinct study days with a grade (2 when that is certain)
    prefixes: list[Any] = field(default_factory=list, compare=False)  # filled by `predictions`

    def __len__(self) -> int:
        return len(self.items)


def read_dataset(conn: sqlite3.Connection, kind: str) -> Dataset:
    """The training items of one kind from the log: undone grades left out, a `forget`
    (reset) starts the item's history afresh, as Anki's manual reschedule does. One pass
    in commit order, so the items come out in time order."""
    rows = conn.execute(
        "SELECT id, item_id, event, rating, day FROM reviews "
        "WHERE kind = ? AND event IN ('grade', 'forget') "
        "AND id NOT IN (SELECT undoes FROM reviews WHERE undoes IS NOT NULL) "
        "ORDER BY id", (kind,))
    Review, Item = fsrs_rs.FSRSReview, fsrs_rs.FSRSItem
    items: list[Any] = []
    card_ids: list[int] = []
    order: list[int] = []
    passed: list[int] = []
    elapsed: list[int] = []
    forgets = 0
    # item -> [card id (its first grade's log id), reviews, day of the last one]
    seqs: dict[str, list[Any]] = {}
    get = seqs.get
    n = -1
    for n, (rid, item_id, event, rating, day) in enumerate(rows):  # noqa: B007
        if event == "forget":
            seqs.pop(item_id, None)
            forgets += 1
            continue
        entry = get(item_id)
        if entry is None:
            seqs[item_id] = [rid, [Review(rating, 0)], day]
            continue
        delta = day - entry[2]
        if delta > 0:
            entry[2] = day
            seq = entry[1]
            seq.append(Review(rating, delta))
            items.append(Item(seq))
            card_ids.append(entry[0])
            order.append(rid)
            passed.append(1 if rating > 1 else 0)
            elapsed.append(delta)
        else:  # the same day (or a clock set back): history for the short-term model
            entry[1].append(Review(rating, 0))
    grades = n + 1 - forgets
    # only a failure needs the count (no item has a later-day review)
    days = 2 if items else int(conn.execute(
        "SELECT COUNT(DISTINCT day) FROM reviews WHERE kind = ? AND event = 'grade'",
        (kind,)).fetchone()[0])
    return Dataset(kind, items, card_ids, order, passed, elapsed, grades, days)


def fit(data: Dataset | Sequence[Any], card_ids: Sequence[int] | None = None) -> list[float]:
    """Parameters for these items: the defaults below 8, the initial stabilities only
    below 64, else a full fit."""
    items = data.items if isinstance(data, Dataset) else list(data)
    ids = data.card_ids if isinstance(data, Dataset) else card_ids
    if len(items) < MIN_REVIEWS:
        return list(DEFAULT_PARAMETERS)
    try:
        out = list(fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
            items, card_ids=list(ids) if ids is not None else None))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a Rust panic arrives as a BaseException
        raise OptimizeError(f"the fit failed ({type(exc).__name__}: {exc}); "
                            "the parameters in use stay") from None
    if len(items) < MIN_FULL_FIT:
        out = out[:4] + list(DEFAULT_PARAMETERS[4:])
    return out


@dataclass(frozen=True)
class Scores:
    log_loss: float
    rmse_bins: float
    auc: float | None  # None when the held-out reviews are all passes or all fails

    def to_dict(self) -> dict[str, float | None]:
        return {k: (round(v, 6) if v is not None else None) for k, v in asdict(self).items()}


def predictions(parameters: Sequence[float], data: Dataset) -> list[float]:
    """FSRS's recall probability for each item's last review, from the reviews before it."""
    if not data.prefixes:  # the same for every parameter set scored
        data.prefixes.extend(fsrs_rs.FSRSItem(it.reviews[:-1]) for it in data.items)
    states = fsrs_rs.FSRS(list(parameters)).memory_state_batch(data.prefixes)
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return [(1 + factor * t / s.stability) ** decay
            for t, s in zip(data.elapsed, states, strict=True)]


def auc(truth: Sequence[int], scores: Sequence[float]) -> float | None:
    """Area under the ROC curve (the rank statistic; ties count half)."""
    n = len(truth)
    pos = sum(truth)
    neg = n - pos
    if pos == 0 or neg == 0:
        return None
    order = sorted(range(n), key=scores.__getitem__)
    rank_sum = 0.0
    i = 0
    while i < n:
        j = i + 1
        value = scores[order[i]]
        while j < n and scores[order[j]] == value:
            j += 1
        hits = truth[order[i]] if j == i + 1 else sum(truth[order[k]] for k in range(i, j))
        if hits:
            rank_sum += hits * (i + j + 1) / 2  # the tie group's average 1-based rank
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def score(parameters: Sequence[float], test: Dataset) -> Scores:
    ev = fsrs_rs.FSRS(list(parameters)).evaluate(test.items)
    return Scores(float(ev.log_loss), float(ev.rmse_bins),
                  auc(test.passed, predictions(parameters, test)))


def split(data: Dataset) -> tuple[Dataset, Dataset]:
    """(older reviews to fit, the newest fifth to score on)."""
    cut = len(data) - max(1, round(len(data) * HELD_OUT))

    def part(a: int, b: int) -> Dataset:
        return Dataset(data.kind, data.items[a:b], data.card_ids[a:b], data.order[a:b],
                       data.passed[a:b], data.elapsed[a:b], data.grades, data.days)

    return part(0, cut), part(cut, len(data))


@dataclass
class Result:
    kind: str
    reviews: int  # training items (usable reviews)
    seconds: float
    parameters: list[float]
    default: Scores | None = None
    fitted: Scores | None = None
    current: Scores | None = None  # the set in use, when it is not the defaults
    held_out: int = 0
    note: str = ""  # why the defaults or a partial fit
    better: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def baseline(self) -> Scores | None:
        return self.current or self.default

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind, "reviews": self.reviews, "held_out": self.held_out,
            "seconds": round(self.seconds, 4), "fsrs_version": FSRS_VERSION,
            "parameters": [round(p, 6) for p in self.parameters],
            "default": self.default.to_dict() if self.default else None,
            "fitted": self.fitted.to_dict() if self.fitted else None,
            "better": self.better, "note": self.note,
        }
        if self.current is not None:
            out["current"] = self.current.to_dict()
        out.update(self.extra)
        return out

    def summary(self) -> str:
        """One line: better or not, by how much, on all three measures."""
        what = "cards" if self.kind == "card" else "katas"
        base, new = self.baseline, self.fitted
        if base is None or new is None:
            return f"{what}: {self.note}"
        name = "current" if self.current is not None else "default"
        change = (base.log_loss - new.log_loss) / base.log_loss * 100 if base.log_loss else 0.0
        if self.better:
            verdict = (f"better than the {name} parameters by {change:.1f}% log loss"
                       + ("; now in use" if self.extra.get("applied") else ""))
        else:
            verdict = (f"no better than the {name} parameters ({-change:+.1f}% log loss), "
                       "which stay in use")

        def auc_text(s: Scores) -> str:
            return f"{s.auc:.3f}" if s.auc is not None else "n/a"

        return (f"{what}: fitted on {self.reviews} reviews and scored on your newest "
                f"{self.held_out}, which the fit did not see: {verdict} "
                f"(log loss {base.log_loss:.4f} -> {new.log_loss:.4f}, "
                f"RMSE(bins) {base.rmse_bins:.4f} -> {new.rmse_bins:.4f}, "
                f"AUC {auc_text(base)} -> {auc_text(new)})"
                + (f" ({self.note})" if self.note else ""))


def optimize(conn: sqlite3.Connection, kind: str,
             current: Sequence[float] | None = None) -> Result:
    """Fit one kind's parameters and score them against the defaults (and the set in use)
    on the newest reviews. Raises OptimizeError when the log cannot be fitted at all."""
    start = time.perf_counter()
    data = read_dataset(conn, kind)
    what = "cards" if kind == "card" else "katas"
    if data.grades == 0:
        raise OptimizeError(f"no {what} reviewed yet: nothing to fit "
                            "(the default parameters stay)")
    if data.days < 2:
        raise OptimizeError(f"all {data.grades} {what} reviews are on one day: FSRS fits "
                            "recall across days, so come back after reviewing on another day "
                            "(the default parameters stay)")
    if not data.items:
        raise OptimizeError(f"no {what[:-1]} has been reviewed on two different days yet: "
                            "FSRS fits recall across days (the default parameters stay)")
    defaults = list(DEFAULT_PARAMETERS)
    if len(data) < MIN_REVIEWS:
        return Result(kind, len(data), time.perf_counter() - start, defaults,
                      note=f"only {len(data)} usable reviews (FSRS needs {MIN_REVIEWS}): "
                      "kept the default parameters")
    train, test = split(data)
    trial = fit(train)
    default_scores = score(defaults, test)
    fitted_scores = score(trial, test)
    current_scores = (score(current, test) if current is not None
                      and list(current) != defaults else None)
    base = current_scores or default_scores
    note = ""
    if len(data) < MIN_FULL_FIT:
        note = (f"under {MIN_FULL_FIT} reviews only the initial stabilities are fitted")
    parameters = fit(data)
    return Result(kind, len(data), time.perf_counter() - start, parameters,
                  default=default_scores, fitted=fitted_scores, current=current_scores,
                  held_out=len(test), note=note,
                  better=fitted_scores.log_loss < base.log_loss)


def valid_parameters(values: Sequence[Any]) -> bool:
    """A usable FSRS-6 set: 21 finite numbers fsrs-rs accepts as they are."""
    if len(values) != N_PARAMETERS or not all(
            isinstance(v, int | float) and math.isfinite(v) for v in values):
        return False
    try:
        filled = fsrs_rs.check_and_fill_parameters([float(v) for v in values])
    except ValueError:
        return False
    return len(filled) == N_PARAMETERS


# -- adopting and reverting (the sets are events in the store's log) ----------------------


def clipped(parameters: Sequence[float]) -> list[float]:
    """Inside the bounds the scheduler (py-fsrs) accepts; fsrs-rs keeps to the same ones,
    only in float32."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS as LOW
    from fsrs.scheduler import UPPER_BOUNDS_PARAMETERS as HIGH

    return [min(max(float(p), lo), hi) for p, lo, hi in zip(parameters, LOW, HIGH, strict=True)]


def in_use(store: Any, kind: str) -> list[float] | None:
    """The fitted set `kind` is scheduled with; None for the defaults."""
    stack = active_stack(store, kind)
    return stack[-1][1] if stack else None


def run(store: Any, kind: str, at: Any) -> Result:
    """Fit, score, and adopt the new set if it predicts the newest reviews better than the
    set in use. Raises OptimizeError when the log cannot be fitted."""
    current = in_use(store, kind)
    result = optimize(store.conn, kind, current)
    result.extra["applied"] = False
    if result.better and result.fitted is not None:
        params = clipped(result.parameters)
        if params != current:
            evaluation = {k: v for k, v in result.to_dict().items() if k != "parameters"}
            store.adopt_parameters(kind, params, at, reviews=result.reviews,
                                   evaluation=evaluation)
            result.parameters = params
            result.extra["applied"] = True
    return result


def active_stack(store: Any, kind: str) -> list[tuple[int, list[float] | None]]:
    """The adopted sets still in force, oldest first: a revert undoes the newest."""
    stack: list[tuple[int, list[float] | None]] = []
    for rid, _, params, reverts, _, _ in store.parameter_history(kind):
        if reverts is not None:
            if stack:
                stack.pop()
        else:
            stack.append((rid, params))
    return stack


def revert(store: Any, kind: str, at: Any) -> str | None:
    """Go back to the set in use before the newest fit; None if `kind` uses the defaults
    and nothing was fitted to revert."""
    stack = active_stack(store, kind)
    if not stack:
        return None
    newest, _ = stack.pop()
    previous = stack[-1][1] if stack else None
    store.adopt_parameters(kind, previous, at, reverts=newest)
    what = "cards" if kind == "card" else "katas"
    if previous is None:
        return f"{what}: back to FSRS's default parameters"
    return f"{what}: back to the parameters fitted before the last one"


# -- automatic re-fit (the app, in a worker thread) ----------------------------------------

AUTO_META = "fsrs_auto_fit:"  # meta key prefix: the last automatic attempt per kind
AUTO_FIRST = 64  # live grades before the first automatic fit


def auto_due(store: Any, kind: str, day: int) -> int | None:
    """The live grade count if an automatic fit is due for `kind`: the grades have doubled
    since the last fit or attempt (Anki's guidance) and none was tried today."""
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?",
                             (AUTO_META + kind,)).fetchone()
    last_day, last_grades = -1, 0
    if row is not None:
        with contextlib.suppress(ValueError):  # a damaged mark: treated as none
            last_day, last_grades = (int(v) for v in str(row[0]).split(":"))
    else:
        history = store.parameter_history(kind)
        fits = [r[4] for r in history if r[2] is not None and r[3] is None]
        last_grades = fits[-1] if fits else 0
    if last_day == day:
        return None
    grades = int(store.conn.execute(
        "SELECT COUNT(*) FROM reviews WHERE kind = ? AND event = 'grade' AND id NOT IN "
        "(SELECT undoes FROM reviews WHERE undoes IS NOT NULL)", (kind,)).fetchone()[0])
    if grades < max(AUTO_FIRST, 2 * last_grades):
        return None
    return grades


def auto_fit(store: Any, day: int, at: Any) -> list[str]:
    """Fit every kind that is due (see `auto_due`); a line per kind that was tried, saying
    what changed."""
    lines = []
    for kind in KINDS:
        grades = auto_due(store, kind, day)
        if grades is None:
            continue
        with store.transaction() as c:
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                      (AUTO_META + kind, f"{day}:{grades}"))
        what = "cards" if kind == "card" else "katas"
        try:
            result = run(store, kind, at)
        except OptimizeError as exc:
            lines.append(f"FSRS {what}: {exc}")
            continue
        base, new = result.baseline, result.fitted
        if result.extra.get("applied") and base is not None and new is not None:
            gain = (base.log_loss - new.log_loss) / base.log_loss * 100 if base.log_loss else 0
            lines.append(f"FSRS re-fitted to your {result.reviews} {what[:-1]} reviews: "
                         f"{gain:.1f}% better on your newest (log loss {base.log_loss:.3f} -> "
                         f"{new.log_loss:.3f}); now in use. `study optimize --revert` undoes it")
        elif new is not None:
            lines.append(f"FSRS re-fit for {what}: no better than the parameters in use, "
                         "which stay")
    return lines
