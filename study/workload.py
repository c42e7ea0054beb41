"""Minutes per day against desired retention, from fsrs-rs's simulator (Anki's "Help Me
Decide"), with the learner's own parameters, deck, answer times and limits.

The simulator learns the deck afresh for a year at each retention and reports the
mean daily study time; the learner's log supplies how they grade (first grades,
passes in review) and how long each kind of answer takes, where it has enough of
them, and FSRS's defaults fill the rest.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import fsrs_rs_python as fsrs_rs

RETENTIONS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 0.97)
SPAN_DAYS = 365
MIN_SAMPLES = 20  # grades needed before the learner's own shares replace the defaults
MIN_TIMES = 5  # answers needed before a state's own time for a rating is used
CAP_SECONDS = 120.0  # a walk away is not a 20-minute review
SEED = 42  # one learner's year, the same for every retention: the curve is smooth


@dataclass(frozen=True)
class Point:
    retention: float
    minutes_per_day: float
    reviews_per_day: float
    memorized: float  # cards remembered at the end of the year (expected)

    def to_dict(self) -> dict[str, float]:
        return {"retention": self.retention, "minutes_per_day": round(self.minutes_per_day, 2),
                "reviews_per_day": round(self.reviews_per_day, 1),
                "memorized": round(self.memorized, 1)}


@dataclass(frozen=True)
class Curve:
    points: list[Point]
    current: float  # the desired retention in the settings
    deck: int
    new_per_day: int
    seconds: float
    own: dict[str, bool]  # which inputs came from the learner's log

    def to_dict(self) -> dict[str, Any]:
        return {"current": self.current, "deck": self.deck, "new_per_day": self.new_per_day,
                "days": SPAN_DAYS, "from_your_log": self.own,
                "points": [p.to_dict() for p in self.points]}


def _shares(counts: dict[int, int], ratings: Sequence[int]) -> list[float] | None:
    total = sum(counts.get(r, 0) for r in ratings)
    if total < MIN_SAMPLES:
        return None
    return [counts.get(r, 0) / total for r in ratings]


def learner_config(conn: sqlite3.Connection, deck: int, new_per_day: int, max_reviews: int,
                   max_ivl: int) -> tuple[Any, dict[str, bool]]:
    """A simulator config from the defaults, with what the card log says of this learner."""
    base = fsrs_rs.default_simulator_config()
    live = ("event = 'grade' AND kind = 'card' AND "
            "id NOT IN (SELECT undoes FROM reviews WHERE undoes IS NOT NULL)")
    first = dict(conn.execute(
        f"SELECT rating, COUNT(*) FROM reviews WHERE {live} AND state_before = 0 "
        "GROUP BY rating").fetchall())
    review = dict(conn.execute(
        f"SELECT rating, COUNT(*) FROM reviews WHERE {live} AND state_before = 2 "
        "GROUP BY rating").fetchall())
    first_prob = _shares(first, (1, 2, 3, 4))
    review_prob = _shares(review, (2, 3, 4))
    costs = [list(row) for row in base.state_rating_costs]
    own_costs = False
    # rows: learning (new or learning before the grade), review, relearning
    for row, states in enumerate(((0, 1), (2,), (3,))):
        marks = ",".join("?" * len(states))
        for rating in (1, 2, 3, 4):
            times = [min(r[0] / 1000, CAP_SECONDS) for r in conn.execute(
                f"SELECT duration_ms FROM reviews WHERE {live} AND state_before IN ({marks}) "
                "AND rating = ? AND duration_ms IS NOT NULL ORDER BY id DESC LIMIT 500",
                (*states, rating))]
            if len(times) >= MIN_TIMES:
                times.sort()
                costs[row][rating - 1] = times[len(times) // 2]
                own_costs = True
    config = fsrs_rs.SimulatorConfig(
        deck_size=max(1, deck), learn_span=SPAN_DAYS, max_cost_perday=86_400.0,
        max_ivl=float(max_ivl), first_rating_prob=first_prob or base.first_rating_prob,
        review_rating_prob=review_prob or base.review_rating_prob,
        learn_limit=max(0, new_per_day), review_limit=max(0, max_reviews),
        new_cards_ignore_review_limit=base.new_cards_ignore_review_limit,
        learning_step_transitions=base.learning_step_transitions,
        relearning_step_transitions=base.relearning_step_transitions,
        state_rating_costs=costs, learning_step_count=2, relearning_step_count=1)
    return config, {"first_ratings": first_prob is not None,
                    "review_ratings": review_prob is not None, "answer_times": own_costs}


def curve(parameters: Sequence[float], config: Any, current: float,
          retentions: Sequence[float] = RETENTIONS) -> list[Point]:
    """One simulated year per retention (the current setting included)."""
    points = []
    for r in sorted({*retentions, round(current, 2)}):
        sim = fsrs_rs.simulate(list(parameters), r, config, SEED)
        days = max(1, len(sim.cost_per_day))
        points.append(Point(r, sum(sim.cost_per_day) / days / 60,
                            sum(sim.review_cnt_per_day) / days,
                            sim.memorized_cnt_per_day[-1] if sim.memorized_cnt_per_day else 0.0))
    return points


def for_study(study: Any) -> Curve:
    """The curve for a study home: its card deck, settings and card parameters in use."""
    start = time.perf_counter()
    states = study.store.states()
    deck = sum(1 for it in study.items if it.kind == "card"
               and not (states.get(it.id) is not None and states[it.id].suspended))
    s = study.settings
    config, own = learner_config(study.store.conn, deck, s.new_per_day, s.max_reviews_per_day,
                                 s.maximum_interval)
    points = curve(study.store.srs.parameters("card"), config, s.desired_retention)
    return Curve(points, s.desired_retention, deck, s.new_per_day,
                 time.perf_counter() - start, own)
