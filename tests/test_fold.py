"""The fast replay (`Srs.fold`) equals folding `Srs.apply` event by event, bit for bit."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study.clock import UTC, from_ms, to_ms
from study.scheduler import ItemState, SchedulerConfig, Srs

T0 = to_ms(datetime(2025, 1, 1, tzinfo=UTC))
EVENTS = ["grade"] * 8 + ["suspend", "unsuspend", "bury", "unbury", "forget"]

gaps = st.one_of(
    st.integers(0, 120_000),  # seconds apart (learning steps)
    st.integers(0, 3 * 86_400_000),  # within days
    st.integers(0, 400 * 86_400_000),  # months apart
)
event = st.tuples(st.sampled_from(EVENTS), st.integers(1, 4), gaps, st.integers(0, 10**9))


def slow(srs: Srs, item_id: str, kind: str, events: list) -> ItemState | None:
    state = ItemState(item_id, kind)
    for ev, rating, ts, until in events:
        state = srs.apply(state, ev, from_ms(ts), rating=rating if ev == "grade" else None,
                          until_ms=until)
    return state if events else None


def timed(history: list, start: int) -> list[tuple]:
    """(event, rating, ts, until) from drawn (event, rating, gap, until offset) steps."""
    ts, events = start, []
    for ev, rating, gap, until in history:
        ts += gap
        events.append((ev, rating if ev == "grade" else None, ts,
                       ts + until if ev == "bury" else None))
    return events


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=st.lists(event, min_size=0, max_size=40),
    kind=st.sampled_from(["card", "kata"]),
    retention=st.sampled_from([0.7, 0.85, 0.9, 0.97]),
    max_ivl=st.sampled_from([3, 30, 36500]),
    leech=st.sampled_from([(1, "suspend"), (3, "tag"), (8, "suspend")]),
    item_id=st.text(min_size=1, max_size=12),
)
def test_fold_equals_apply(history: list, kind: str, retention: float, max_ivl: int,
                           leech: tuple[int, str], item_id: str) -> None:
    srs = Srs(SchedulerConfig(desired_retention=retention, maximum_interval=max_ivl,
                              leech_threshold=leech[0], leech_action=leech[1]))
    events = timed(history, T0)
    assert srs.fold(item_id, kind, events) == slow(srs, item_id, kind, events)


@settings(max_examples=2000, deadline=None)
@given(st.integers(86_400_000, 220_000_000_000_000))
def test_millisecond_arithmetic_matches_the_datetimes(ms: int) -> None:
    """The fold's integer shortcut equals what from_ms/to_ms give through datetime."""
    from datetime import timedelta

    from study.scheduler import _ms_as_us

    dt = from_ms(ms)
    us = (dt - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    assert _ms_as_us(ms) == us
    assert int((us / 1_000_000) * 1000) == to_ms(dt)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.integers(0, 2**32 * 1000 - 1),
                 st.integers(2**32 * 1000 - 10_000_000, 2**32 * 1000 - 1)))
def test_the_plain_product_is_exact_below_the_fast_path_bound(ms: int) -> None:
    """`fold_step` takes ms * 1000 for `_ms_as_us(ms)` below `_EXACT_MS`: it must be equal."""
    from study.scheduler import _EXACT_MS, _ms_as_us

    assert ms < _EXACT_MS
    assert _ms_as_us(ms) == ms * 1000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=st.lists(event, min_size=1, max_size=30),
       start=st.sampled_from([0, 2**32 * 1000 - 30 * 86_400_000, 200_000_000_000_000]))
def test_fold_equals_apply_at_the_ends_of_time(history: list, start: int) -> None:
    """Across the fast path's bound (2106) and far beyond it, the fold still equals apply."""
    srs = Srs()
    events = timed(history, start)
    assert srs.fold("x", "card", events) == slow(srs, "x", "card", events)
