"""Deadline goals: pacing on a simulated learner, missed days, refusals, interview mode."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import T0
from test_cli import env_for, study
from test_plans import simulate_day, write_content

from study.errors import UsageError
from study.plans import progress, read_target, set_goal
from study.session import Session


@pytest.fixture
def planned(tmp_path: Path) -> Path:
    return write_content(tmp_path / "planned")


def test_pacing_hits_the_deadline_on_a_simulated_learner(make_study: Callable,
                                                         planned: Path) -> None:
    st = make_study(root=planned, new_per_day=50)
    by = T0.date() + timedelta(days=9)
    target, pr = set_goal(st, by, ["one"], [], False, T0)
    assert pr.remaining == 18 and pr.new_per_day == 2  # 18 cards over 10 days
    introduced: dict[date, list[str]] = {}
    for d in range(12):
        day = T0.date() + timedelta(days=d)
        if day <= by:
            now = T0 + timedelta(days=d)
            p = progress(st, target, now)
            assert p.on_track and p.days_ahead >= 0, (day, p.messages)
        introduced[day] = simulate_day(st, day)
    in_scope = [t for day, ts in introduced.items() if day <= by for t in ts
                if t in ("ta", "tb", "tc")]
    assert len(in_scope) == 18  # everything by the deadline
    assert max(len(ts) for day, ts in introduced.items() if day <= by) <= 2  # spread out
    # Outside the goal waits until it is done, then comes at new_per_day.
    assert not any(t in ("td", "te") for day, ts in introduced.items() if day <= by for t in ts)
    after = T0.date() + timedelta(days=10)
    assert set(introduced[after]) == {"td", "te"}
    assert progress(st, target, T0 + timedelta(days=10)).remaining == 0


def test_a_missed_week_raises_the_pace_and_says_so(make_study: Callable, planned: Path) -> None:
    st = make_study(root=planned, new_per_day=50)
    by = T0.date() + timedelta(days=19)
    target, first = set_goal(st, by, [], [], False, T0)
    assert first.new_per_day == 2  # 30 cards over 20 days
    for d in range(3):
        simulate_day(st, T0.date() + timedelta(days=d))
    back = T0 + timedelta(days=10)  # a week missed
    pr = progress(st, target, back)
    assert pr.days_ahead < 0 and pr.new_per_day > first.new_per_day
    assert any("behind" in m and "pace rises" in m for m in pr.messages), pr.messages
    assert pr.projected_finish is not None and pr.projected_finish <= by and pr.on_track


def test_a_missed_week_moves_the_projected_date_when_the_pace_cannot_rise(
        make_study: Callable, planned: Path) -> None:
    st = make_study(root=planned, new_per_day=50, max_minutes_per_day=60)
    by = T0.date() + timedelta(days=11)
    target, _ = set_goal(st, by, [], [], False, T0)
    st.settings.max_minutes_per_day = 5  # what now fits: far less than the pace needs
    pr = progress(st, target, T0 + timedelta(days=9))
    assert pr.capped and pr.projected_finish is not None and pr.projected_finish > by
    assert not pr.on_track
    assert any("projected finish" in m and "after" in m for m in pr.messages), pr.messages
    plan = Session(st).plan(T0 + timedelta(days=9))
    assert plan.counts["new"] == pr.new_per_day  # today's plan follows the capped pace


def test_an_impossible_deadline_is_refused_with_the_earliest_date(tmp_path: Path,
                                                                  planned: Path) -> None:
    env = env_for(tmp_path / "home", planned, STUDY_MAX_MINUTES_PER_DAY="5")
    r = study(["goal", "set", "--by", "2026-03-02"], env)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    m = re.search(r"earliest date that fits is (\d{4}-\d\d-\d\d)", r.stderr)
    assert m and "max_minutes_per_day = 5" in r.stderr
    assert json.loads(study(["goal", "--json"], env).stdout) is None  # nothing changed
    earliest = date.fromisoformat(m.group(1))
    ok = study(["goal", "set", "--by", earliest.isoformat()], env)
    assert ok.returncode == 0, ok.stderr
    one_less = study(["goal", "clear"], env), study(
        ["goal", "set", "--by", (earliest - timedelta(days=1)).isoformat()], env)
    assert one_less[1].returncode == 2


def test_goal_json_and_today_follow_it(tmp_path: Path, planned: Path) -> None:
    env = env_for(tmp_path / "home", planned)
    r = study(["goal", "set", "--by", "2026-03-05", "--track", "two", "--topic", "ta"], env)
    assert r.returncode == 0, r.stderr
    g = json.loads(study(["goal", "--json"], env).stdout)
    for key in ("by", "days_left", "new_remaining", "new_per_day", "minutes_per_day",
                "projected_finish", "on_track"):
        assert key in g
    assert g["by"] == "2026-03-05" and g["days_left"] == 3 and g["new_remaining"] == 18
    assert g["new_per_day"] == 5 and g["on_track"] is True
    assert g["minutes_per_day"] > 5 * 25 / 60  # reviews included
    today = json.loads(study(["today", "--json"], env).stdout)
    assert today["new"] == g["new_per_day"]
    assert study(["goal", "clear"], env).returncode == 0
    assert json.loads(study(["today", "--json"], env).stdout)["new"] == 15
    again = study(["goal", "clear"], env)
    assert again.returncode == 2 and "no goal" in again.stderr


@pytest.mark.parametrize("args, message", [
    (["--by", "2026-02-01"], "in the past"),
    (["--by", "next week"], "not a date"),
    (["--by", "2026-04-01", "--track", "nope"], "unknown track 'nope'"),
    (["--by", "2026-04-01", "--topic", "nope"], "unknown topic 'nope'"),
])
def test_bad_goals_get_one_line(tmp_path: Path, planned: Path, args: list[str],
                                message: str) -> None:
    r = study(["goal", "set", *args], env_for(tmp_path / "home", planned))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and message in r.stderr, r.stderr


def test_reviews_due_are_never_dropped_for_new_cards(make_study: Callable,
                                                     planned: Path) -> None:
    st = make_study(root=planned, new_per_day=50)
    for d in range(3):
        simulate_day(st, T0.date() + timedelta(days=d))
    later = T0 + timedelta(days=30)
    without = Session(st).plan(later).counts
    set_goal(st, later.date() + timedelta(days=1), [], [], False, later)
    with_goal = Session(st).plan(later).counts
    assert without["review"] > 0 and with_goal["review"] == without["review"]
    assert with_goal["new"] >= without["new"]


def test_interview_katas_first_higher_recall_and_drill(make_study: Callable,
                                                       planned: Path) -> None:
    from study.plans import summary

    st = make_study(root=planned, new_per_day=50)
    for d in range(3):
        simulate_day(st, T0.date() + timedelta(days=d))
    st.store.grade("ka", "kata", 4, T0)
    # A day when nothing is due at the usual 0.9 but some recall sits below 0.95.
    srs, states = st.srs, st.store.states()
    probe = T0 + timedelta(days=4)
    lower = [i for i, s in states.items() if s.kind == "card" and s.due_ms
             and s.due_ms > int((probe + timedelta(days=1)).timestamp() * 1000)
             and srs.retrievability(s, probe) < 0.95]
    assert lower  # the fixture makes some
    plain = Session(st).plan(probe)
    assert not {e.item.id for e in plain.entries} & set(lower)
    set_goal(st, probe.date() + timedelta(days=3), ["one"], [], True, probe)
    assert read_target(st.store).interview  # type: ignore[union-attr]
    boosted = Session(st).plan(probe)
    ids = [e.item.id for e in boosted.entries]
    one = {t for t in ("ta", "tb", "tc")}
    pulled = [i for i in lower if i in ids]
    assert pulled and all(i.split("-")[0] in one for i in pulled)  # the chosen track only
    kata_pos = [n for n, e in enumerate(boosted.entries) if e.item.kind == "kata"]
    assert kata_pos == [0]  # below 0.95 recall: pulled forward, and first
    assert "ka" not in [e.item.id for e in plain.entries]
    data = summary(st, probe)
    assert data is not None and [d["kata"] for d in data["drill"]] == ["ka"]
    assert 0 < data["drill"][0]["recall"] < 1


def test_set_goal_refusal_changes_nothing(make_study: Callable, planned: Path) -> None:
    st = make_study(root=planned, max_minutes_per_day=5)
    with pytest.raises(UsageError, match="earliest date that fits"):
        set_goal(st, T0.date(), [], [], False, T0)
    assert read_target(st.store) is None


def test_interview_drill_suggests_the_katas_most_likely_forgotten(make_study: Callable,
                                                                  planned: Path) -> None:
    from conftest import write_kata

    from study.katas import drill_katas

    write_kata(planned, "kb", "tb")
    write_kata(planned, "kc", "tc")
    st = make_study(root=planned)
    st.store.grade("kb", "kata", 3, T0 - timedelta(days=1))
    st.store.grade("ka", "kata", 3, T0 - timedelta(days=2))
    st.store.grade("ka", "kata", 4, T0 - timedelta(days=1, hours=23))  # ka: long interval
    now = T0 + timedelta(hours=1)
    set_goal(st, T0.date() + timedelta(days=5), [], [], True, now)
    picks = [k.id for k in drill_katas(st, 3, now)]
    states = st.store.states()
    recall = {k: st.srs.retrievability(states[k], now) for k in ("ka", "kb")}
    assert picks[:2] == sorted(recall, key=recall.get) and picks[2] == "kc"


def test_a_slow_learner_is_told_when_their_own_rate_would_finish(make_study: Callable,
                                                                planned: Path) -> None:
    st = make_study(root=planned, new_per_day=50)
    by = T0.date() + timedelta(days=19)
    target, _ = set_goal(st, by, [], [], False, T0)
    s = Session(st)
    for d in range(6):  # one new card a day where the pace asks for two
        now = T0 + timedelta(days=d)
        e = s.next(now, kinds=("card",))
        while e is not None and e.reason != "new":
            s.grade(e.item, 4, now)
            e = s.next(now, kinds=("card",))
        assert e is not None
        s.grade(e.item, 4, now, duration_ms=9000)
    pr = progress(st, target, T0 + timedelta(days=6))
    assert pr.history_per_day == 1.0
    assert pr.history_finish == T0.date() + timedelta(days=6 + 24 - 1)  # 24 left, 1 a day
    assert any("at your recent 1.0 new a day" in m for m in pr.messages), pr.messages
    assert pr.days_ahead < 0 and pr.new_per_day == 2  # 24 over the 14 days left
