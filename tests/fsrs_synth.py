"""Synthetic review logs from a learner whose memory follows known FSRS parameters.

The learner is scheduled with FSRS's defaults (what the app used before a fit) but
remembers by `truth`: recall at each review is drawn from `truth`'s retrievability.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta

import fsrs_rs_python as fsrs_rs

from study.clock import UTC, to_ms

DEFAULTS = list(fsrs_rs.DEFAULT_PARAMETERS)
# Quicker to forget at first, less gain per review, a steeper forgetting curve.
TRUTH = DEFAULTS[:]
TRUTH[0:4] = [v / 3 for v in DEFAULTS[0:4]]
TRUTH[8] = DEFAULTS[8] - 0.5
TRUTH[20] = 0.5
START = date(2026, 1, 1)


def _r(params: list[float], stability: float, days: int) -> float:
    decay = -params[20]
    factor = 0.9 ** (1 / decay) - 1
    return float((1 + factor * days / stability) ** decay)


def history(truth: list[float], cards: int, days: int, seed: int = 1,
            new_per_day: int = 20) -> list[tuple[str, int, int]]:
    """(item_id, rating, day offset) of every grade, in time order."""
    rng = random.Random(seed)
    model, sched = fsrs_rs.FSRS(truth), fsrs_rs.FSRS(DEFAULTS)
    out: list[tuple[int, int, str, int]] = []
    for c in range(cards):
        day = c // new_per_day
        if day >= days:
            break
        item = f"syn-{c}"
        rating = rng.choices([1, 2, 3, 4], [0.25, 0.1, 0.5, 0.15])[0]
        mem = getattr(model.next_states(None, 0.9, 0), _NAMES[rating]).memory
        smem = getattr(sched.next_states(None, 0.9, 0), _NAMES[rating]).memory
        seq = 0
        out.append((day, seq, item, rating))
        if rating == 1:  # relearnt the same day
            seq += 1
            mem = model.next_states(mem, 0.9, 0).good.memory
            smem = sched.next_states(smem, 0.9, 0).good.memory
            out.append((day, seq, item, 3))
        while True:
            ivl = max(1, round(sched.next_interval(smem.stability, 0.9, 3)
                               * rng.uniform(0.5, 2.5)))  # nobody is punctual
            if day + ivl >= days:
                break
            day += ivl
            seq = 0
            if rng.random() < _r(truth, mem.stability, ivl):
                rating = rng.choices([2, 3, 4], [0.1, 0.8, 0.1])[0]
            else:
                rating = 1
            mem = getattr(model.next_states(mem, 0.9, ivl), _NAMES[rating]).memory
            smem = getattr(sched.next_states(smem, 0.9, ivl), _NAMES[rating]).memory
            out.append((day, seq, item, rating))
            if rating == 1:
                mem = model.next_states(mem, 0.9, 0).good.memory
                smem = sched.next_states(smem, 0.9, 0).good.memory
                out.append((day, 1, item, 3))
    out.sort()
    return [(item, rating, day) for day, _, item, rating in out]


_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def write(conn: sqlite3.Connection, grades: list[tuple[str, int, int]], kind: str = "card",
          start: date = START) -> None:
    """Append the grades to a store's log, in order, as the app would have logged them."""
    rows = []
    seen: dict[str, tuple[int, int]] = {}  # item -> (first day, last day)
    for n, (item, rating, day) in enumerate(grades):
        d = start + timedelta(days=day)
        at = datetime(d.year, d.month, d.day, 12, tzinfo=UTC) + timedelta(milliseconds=n)
        first, last = seen.get(item, (day, -1))
        # FSRS state before the grade: new, learning (first day), review, relearning
        before = 0 if last < 0 else 2 if last != day else 1 if first == day else 3
        seen[item] = (first, day)
        rows.append((item, kind, "grade", rating, to_ms(at), d.toordinal(), 8000, "synth",
                     before))
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO reviews (item_id, kind, event, rating, ts, day, duration_ms, client_id, "
        "state_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
