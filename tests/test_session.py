"""The review session: undo is the last action of any kind; two sessions never grade a card
twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from conftest import T0

from study.core import Study
from study.session import Session
from study.store import Superseded


def test_undo_undoes_the_last_action_of_any_kind(make_study: Callable[..., Study]) -> None:
    s = Session(make_study())
    a = s.next(T0)
    assert a is not None
    s.grade(a.item, 3, T0)
    b = s.next(T0 + timedelta(seconds=5))
    assert b is not None and b.item.id != a.item.id
    s.suspend(b.item, T0 + timedelta(seconds=6))
    c = s.next(T0 + timedelta(seconds=7))
    assert c is not None
    s.bury(c.item, T0 + timedelta(seconds=8))
    d = s.next(T0 + timedelta(seconds=9))
    assert d is not None
    s.forget(d.item, T0 + timedelta(seconds=10))

    undone = s.undo(T0 + timedelta(seconds=11))  # the forget
    assert undone is not None and (undone.item_id, undone.event) == (d.item.id, "forget")
    undone = s.undo(T0 + timedelta(seconds=12))  # the bury, not a's grade
    assert undone is not None and (undone.item_id, undone.event) == (c.item.id, "bury")
    assert undone.state.buried_until_ms is None
    undone = s.undo(T0 + timedelta(seconds=13))
    assert undone is not None and (undone.item_id, undone.event) == (b.item.id, "suspend")
    assert not s.state(b.item).suspended
    assert s.state(a.item).reps == 1  # the grade is still there
    undone = s.undo(T0 + timedelta(seconds=14))
    assert undone is not None and (undone.item_id, undone.rating) == (a.item.id, 3)
    assert s.state(a.item).reps == 0
    assert s.undo(T0 + timedelta(seconds=15)) is None
    # The rebuilt state agrees with the live one after all these undos.
    store = s.study.store
    live = store.states()
    store.rebuild()
    assert store.states() == live


def test_after_a_relaunch_undo_takes_todays_last_action(
    make_study: Callable[..., Study], tmp_path
) -> None:
    first = Session(make_study())
    a = first.next(T0)
    assert a is not None
    first.grade(a.item, 3, T0)
    b = first.next(T0 + timedelta(seconds=5))
    assert b is not None
    first.suspend(b.item, T0 + timedelta(seconds=6))
    again = Session(first.study)  # a new session on the same home
    undone = again.undo(T0 + timedelta(seconds=20))
    assert undone is not None and (undone.item_id, undone.event) == (b.item.id, "suspend")


def test_two_sessions_never_grade_the_same_card_twice(make_study: Callable[..., Study]) -> None:
    home_a = make_study()
    home_b = make_study()  # the same home, opened twice (two terminals)
    one, two = Session(home_a), Session(home_b)
    shown_one = one.next(T0)
    shown_two = two.next(T0)
    assert shown_one is not None and shown_two is not None
    assert shown_one.item.id == shown_two.item.id  # both planned before either graded
    one.grade(shown_one.item, 3, T0 + timedelta(seconds=3))
    with pytest.raises(Superseded, match="another study session"):
        two.grade(shown_two.item, 3, T0 + timedelta(seconds=4))
    assert home_a.store.state(shown_one.item.id).reps == 1
    # Planning again, the second session moves on to another card.
    nxt = two.next(T0 + timedelta(seconds=5))
    assert nxt is not None and nxt.item.id != shown_one.item.id
    two.grade(nxt.item, 3, T0 + timedelta(seconds=6))  # its own card: saved


def test_a_card_recorded_elsewhere_since_the_plan_is_skipped_before_it_is_shown(
    make_study: Callable[..., Study], monkeypatch: pytest.MonkeyPatch
) -> None:
    study = make_study()
    other = make_study()
    s = Session(study)
    first = s.plan(T0).next_entry(T0, ("card", "kata"), frozenset())
    assert first is not None
    real_plan = s.plan

    def plan_then_other_grades(now=None, states=None):  # type: ignore[no-untyped-def]
        p = real_plan(now, states)
        if not other.store.history(first.item.id):  # the other window grades it right now
            other.store.grade(first.item.id, first.item.kind, 3, T0)
        return p

    monkeypatch.setattr(s, "plan", plan_then_other_grades)
    entry = s.next(T0 + timedelta(seconds=1))
    assert entry is not None and entry.item.id != first.item.id


def test_line_mode_undoes_a_suspend(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import write_mini
    from test_cli import env_for, study

    env = env_for(tmp_path / "home", write_mini(tmp_path / "content"))
    # grade a cloze; suspend the mcq at its answer prompt; undo at the next prompt
    out = study(["review", "--plain"], env, "\n3\n\\s\n\\u\nq\n")
    assert out.returncode == 0, out.stderr
    assert "undone:" in out.stdout and "(suspend)" in out.stdout, out.stdout
    import sqlite3

    db = sqlite3.connect(tmp_path / "home" / "study.db")
    assert db.execute("SELECT COUNT(*) FROM item_state WHERE suspended = 1").fetchone() == (0,)
    assert db.execute("SELECT COUNT(*) FROM reviews WHERE event = 'grade'").fetchone() == (1,)
