"""FSRS scheduling invariants."""

from __future__ import annotations

from datetime import timedelta

from conftest import T0
from hypothesis import given, settings
from hypothesis import strategies as st

from study.clock import to_ms
from study.scheduler import NEW, REVIEW, ItemState, SchedulerConfig, Srs, format_interval

SRS = Srs()

ratings = st.lists(st.integers(1, 4), min_size=1, max_size=25)
gaps = st.lists(st.integers(0, 60 * 24 * 120), min_size=25, max_size=25)  # minutes


def replay(srs: Srs, item: str, rs: list[int], gs: list[int], kind: str = "card") -> ItemState:
    s = ItemState(item, kind)
    t = T0
    for r, g in zip(rs, gs, strict=False):
        s = srs.grade(s, r, t)
        t = max(t + timedelta(minutes=g), s.due() or t) if g % 3 else t + timedelta(minutes=g)
    return s


@settings(max_examples=150, deadline=None)
@given(rs=ratings, gs=gaps, kind=st.sampled_from(["card", "kata"]))
def test_due_is_never_in_the_past_after_a_review(rs: list[int], gs: list[int], kind: str) -> None:
    s = ItemState("x", kind)
    t = T0
    for r, g in zip(rs, gs, strict=False):
        s = SRS.grade(s, r, t)
        assert s.due_ms is not None and s.due_ms > to_ms(t)
        assert s.last_review_ms == to_ms(t)
        assert s.state != NEW
        t += timedelta(minutes=g)


@settings(max_examples=100, deadline=None)
@given(rs=ratings, gs=gaps)
def test_same_history_same_schedule(rs: list[int], gs: list[int]) -> None:
    a = replay(Srs(), "card-a", rs, gs)
    b = replay(Srs(), "card-a", rs, gs)
    assert a == b


def test_fuzz_depends_on_item_and_review_count() -> None:
    # Long intervals get fuzzed: different items spread over different days,
    # but each item's fuzz is reproducible.
    dues = set()
    for i in range(30):
        gaps = [0, 3 * 1440, 10 * 1440, 30 * 1440, 0]
        s = replay(SRS, f"item-{i}", [3, 3, 3, 3, 3], gaps)
        dues.add(s.due_ms)
        assert s == replay(SRS, f"item-{i}", [3, 3, 3, 3, 3], gaps)
    assert len(dues) > 3


def test_preview_changes_nothing_and_matches_grade() -> None:
    s = SRS.grade(ItemState("p"), 3, T0)
    before = ItemState.from_dict(s.to_dict())
    t = T0 + timedelta(days=3)
    preview = SRS.preview(s, t)
    assert s == before
    assert set(preview) == {1, 2, 3, 4}
    for r, due in preview.items():
        assert SRS.grade(s, r, t).due() == due
    assert preview[1] <= preview[2] <= preview[3] <= preview[4]


def test_lapses_count_forgetting_a_review_card_and_make_a_leech() -> None:
    srs = Srs(SchedulerConfig(leech_threshold=3, leech_action="suspend"))
    s = ItemState("leechy")
    t = T0
    s = srs.grade(s, 3, t)
    s = srs.grade(s, 3, t + timedelta(minutes=10))
    assert s.state == REVIEW
    for n in range(1, 4):
        t = s.due()
        s = srs.grade(s, 1, t)  # a lapse
        assert s.lapses == n
        assert s.leech == (n >= 3)
        s = srs.grade(s, 3, s.due())  # relearned
    assert s.suspended


def test_leech_action_tag_does_not_suspend() -> None:
    srs = Srs(SchedulerConfig(leech_threshold=1, leech_action="tag"))
    s = srs.grade(ItemState("x"), 4, T0)
    s = srs.grade(s, 1, s.due())
    assert s.leech and not s.suspended


def test_kata_has_no_minute_steps() -> None:
    s = SRS.grade(ItemState("k", "kata"), 3, T0)
    assert s.state == REVIEW and s.due() - T0 >= timedelta(days=1)
    s = SRS.grade(s, 1, s.due())
    assert s.due() - (T0) >= timedelta(days=1)


def test_maximum_interval_is_respected() -> None:
    srs = Srs(SchedulerConfig(maximum_interval=5))
    s = ItemState("m")
    t = T0
    for _ in range(12):
        s = srs.grade(s, 4, t)
        assert s.due() - t <= timedelta(days=5)
        t = s.due()


def test_format_interval() -> None:
    assert [format_interval(timedelta(seconds=x)) for x in (30, 600, 7200, 86400 * 3)] == [
        "30s", "10m", "2h", "3d"]
    assert format_interval(timedelta(seconds=59.9996)) == "1m"
    assert format_interval(timedelta(days=60)) == "2.0mo"
    assert format_interval(timedelta(days=730)) == "2.0y"
