"""Plans as content: loading and validation, the bundled seed plans, following one by date."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SHARED, T0, write_kata
from test_cli import env_for, study

from study.core import Study
from study.loader import load
from study.plans import progress, read_target, set_tick, start_plan, summary
from study.session import Session

CURRICULUM = """\
tracks:
  - id: one
    title: One
    topics:
      - {id: ta, title: A, prerequisites: []}
      - {id: tb, title: B, prerequisites: [ta]}
      - {id: tc, title: C, prerequisites: [tb]}
  - id: two
    title: Two
    topics:
      - {id: td, title: D, prerequisites: []}
      - {id: te, title: E, prerequisites: []}
"""

PLAN = """\
plans:
  - id: tiny
    title: Tiny plan
    title_zh: 小计划
    stretches:
      - {id: s1, title: First, title_zh: 第一, days: [1, 3], topics: [te]}
      - id: s2
        title: Second
        days: [4, 7]
        topics: [ta, tb]
        projects: [{id: proj, title: A project, title_zh: 一个项目}]
        papers: [{id: pap, title: A paper, title_zh: 一篇论文, stars: 5}]
      - {id: s3, title: Third, days: [8, 10], topics: [tc]}
    milestones:
      - id: m1
        after_day: 7
        title: After a week
        title_zh: 一周后
        checks:
          - {id: c1, title: Knows A, title_zh: 懂 A, topics: [ta]}
          - {id: c2, title: Passed the kata, title_zh: 通过练习, katas: [ka]}
"""


def cards(topic: str, n: int) -> str:
    body = "".join(f"  - {{id: {topic}-{i}, type: basic, front: 'q {topic} {i}', "
                   f"back: 'a {i}', tags: [], source: test}}\n" for i in range(n))
    return f"topic: {topic}\ncards:\n{body}"


def write_content(root: Path, per_topic: int = 6, plan: str = PLAN) -> Path:
    (root / "content" / "plans").mkdir(parents=True, exist_ok=True)
    (root / "content" / "curriculum.yaml").write_text(CURRICULUM)
    (root / "content" / "plans" / "tiny.yaml").write_text(plan)
    (root / "cards" / "x").mkdir(parents=True, exist_ok=True)
    for t in ("ta", "tb", "tc", "td", "te"):
        (root / "cards" / "x" / f"{t}.yaml").write_text(cards(t, per_topic))
    write_kata(root, "ka", "ta")
    return root


@pytest.fixture
def planned(tmp_path: Path) -> Path:
    return write_content(tmp_path / "planned")


def problems_for(tmp_path: Path, plan: str) -> list[str]:
    root = write_content(tmp_path / "bad", plan=plan)
    return [str(p) for p in load([(root, "bundled")]).problems]


# --- loading ------------------------------------------------------------------------------


def test_plan_file_loads_with_days_and_weeks(planned: Path) -> None:
    result = load([(planned, "bundled")])
    assert result.ok, result.problems
    p = result.content.plans["tiny"]
    assert [(s.id, s.first_day, s.last_day) for s in p.stretches] == [
        ("s1", 1, 3), ("s2", 4, 7), ("s3", 8, 10)]
    assert p.days == 10 and p.topics() == ["te", "ta", "tb", "tc"]
    assert p.stretches[1].papers[0].stars == 5 and p.stretches[1].papers[0].title_zh == "一篇论文"
    assert p.milestones[0].after_day == 7 and p.milestones[0].checks[1].katas == ["ka"]


@pytest.mark.parametrize("plan, line, col, message", [
    (PLAN.replace("topics: [tc]", "topics: [tz]"), 13, 56, "unknown topic 'tz'"),
    (PLAN.replace("days: [8, 10]", "days: [6, 10]"), 13, 9, "overlaps stretch 's2'"),
    (PLAN.replace("days: [8, 10]", "days: [2, 2]"), 13, 9, "comes before stretch 's2'"),
    (PLAN.replace("days: [4, 7]", "days: [7, 4]"), 9, 15, "ends before it starts"),
    (PLAN.replace("days: [4, 7]", "days: [0, 7]"), 9, 16, "must be between 1 and"),
    (PLAN.replace("days: [4, 7]", "days: 4"), 9, 15, "must be a list"),
    (PLAN.replace("title: Second", "title: Second\n        colour: red"), 9, 9,
     "unknown key 'colour' in stretch"),
    (PLAN.replace("days: [4, 7]", "weeks: [1, 1]\n        days: [4, 7]"), 7, 9,
     "exactly one of 'days' or 'weeks'"),
    (PLAN.replace("katas: [ka]", "katas: [kz]"), 21, 70, "unknown kata 'kz'"),
    (PLAN.replace("topics: [tc]", "topics: [ta]"), 13, 56, "already in stretch 's2'"),
    (PLAN.replace("after_day: 7", "after_day: soon"), 16, 20, "must be a whole number"),
    (PLAN.replace("id: pap", "id: proj"), 12, 23, "duplicate id 'proj'"),
    (PLAN.replace("id: tiny", "id: Tiny plan"), 2, 9, "not a valid id"),
])
def test_bad_plan_files_name_file_line_and_column(tmp_path: Path, plan: str, line: int,
                                                   col: int, message: str) -> None:
    found = problems_for(tmp_path, plan)
    assert len(found) == 1, found
    path, at_line, at_col, text = found[0].split(":", 3)
    assert path.endswith("tiny.yaml") and (int(at_line), int(at_col)) == (line, col), found
    assert message in text


def test_content_check_covers_user_plans(tmp_path: Path) -> None:
    root = write_content(tmp_path / "mine", plan=PLAN.replace("[tc]", "[tcc]"))
    env = env_for(tmp_path / "home")
    r = study(["content", "check", str(root)], env)
    assert r.returncode == 1
    assert "tiny.yaml:13:56: unknown topic 'tcc' (did you mean 'tc'?)" in r.stdout


def test_bundled_plans_cover_the_seed_calendars() -> None:
    result = load([(REPO, "bundled")])
    assert result.ok, result.problems[:3]
    plans = result.content.plans
    long, short = plans["web-to-ai-24w"], plans["thirty-days"]
    cnn = next(s for s in long.stretches if "convolution" in s.topics)
    assert (cnn.first_day, cnn.last_day) == (36, 49)  # weeks 6-7
    assert [m.after_day for m in long.milestones] == [28, 56, 84, 126, 168]
    assert long.days == 168 and short.days == 30
    spans = {(s.first_day, s.last_day): s.topics for s in short.stretches}
    assert "convolution" in spans[(6, 10)] and "multi-head-attention" in spans[(19, 21)]
    assert spans[(26, 30)] == [] and short.stretches[-1].projects
    assert all(t in result.content.topics for p in plans.values() for t in p.topics())
    papers = [pp for s in long.stretches for pp in s.papers]
    assert all(pp.title_zh and pp.title and 1 <= pp.stars <= 5 for pp in papers)
    seed = SHARED / "plans.yaml"
    if seed.exists():  # the source data: every stretch's topics carried over, in order
        data = yaml.safe_load(seed.read_text())
        for sp in data["plans"]:
            mine = plans[sp["id"]]
            theirs = sp.get("phases") or sp.get("stretches")
            assert [s["topics"] for s in theirs] == [s.topics for s in mine.stretches]


# --- following a plan ---------------------------------------------------------------------


def simulate_day(study: Study, day: date, skip: bool = False) -> list[str]:
    """A diligent learner: everything today's plan offers, answered Easy. Returns the
    topics of the new cards introduced that day."""
    from datetime import datetime

    now = datetime(day.year, day.month, day.day, 12, tzinfo=T0.tzinfo)
    s = Session(study)
    topics: list[str] = []
    if skip:
        return topics
    for _ in range(500):
        e = s.next(now, kinds=("card",))
        if e is None:
            break
        if e.reason == "new":
            topics.append(e.item.topic)
        s.grade(e.item, 4, now, duration_ms=8000)
        now += timedelta(seconds=30)
    return topics


def test_a_plan_introduces_each_stretchs_topics_in_its_days(make_study: Callable,
                                                             planned: Path) -> None:
    st = make_study(root=planned, new_per_day=50)
    start = T0.date()
    start_plan(st, "tiny", start)
    by_day = {}
    for d in range(12):
        by_day[d + 1] = simulate_day(st, start + timedelta(days=d))
    assert by_day[1] and set(by_day[1]) | set(by_day[2]) | set(by_day[3]) == {"te"}
    assert sum(len(by_day[d]) for d in (1, 2, 3)) == 6  # te spread over its three days
    assert len(by_day[1]) == 2
    week2 = [t for d in range(4, 8) for t in by_day[d]]
    assert set(week2) == {"ta", "tb"} and len(week2) == 12
    assert week2.index("tb") > week2.index("ta")  # prerequisite inside the plan
    days8 = [t for d in (8, 9, 10) for t in by_day[d]]
    assert set(days8) == {"tc"}
    # Outside the plan (td) waits until it is done, then comes at new_per_day.
    assert "td" not in [t for d in range(1, 11) for t in by_day[d]]
    assert "td" in by_day[11]


def test_topics_outside_mix_in_with_the_setting(make_study: Callable, planned: Path) -> None:
    st = make_study(root=planned, new_per_day=5, plan_mix_outside=True)
    start_plan(st, "tiny", T0.date())
    plan = Session(st).plan(T0)
    topics = sorted(e.item.topic for e in plan.entries if e.reason == "new")
    # The plan's two a day, then other topics up to new_per_day; a later stretch's
    # topics (ta, tb, tc) still wait for their days.
    assert topics == ["td", "td", "td", "te", "te"]


def test_plan_starting_later_and_cli_today_follows_it(tmp_path: Path, planned: Path) -> None:
    env = env_for(tmp_path / "home", planned)
    r = study(["plan", "start", "tiny", "--from", "2026-02-24"], env)  # day 7 on NOW
    assert r.returncode == 0, r.stderr
    data = json.loads(study(["plan", "--json"], env).stdout)
    assert data["stretch"] == "s2" and data["days_ahead"] < 0
    # Behind: everything of s1 and s2 is due in the one day left of s2.
    assert data["new_per_day"] == 18 and any("behind" in m for m in data["messages"])
    today = json.loads(study(["today", "--json"], env).stdout)
    assert today["new"] == min(18, 50) and today["review"] == 0


def test_ticks_with_a_note_and_date(tmp_path: Path, planned: Path) -> None:
    env = env_for(tmp_path / "home", planned)
    assert study(["plan", "start", "tiny"], env).returncode == 0
    r = study(["plan", "tick", "pap", "--note", "read twice", "--on", "2026-03-01"], env)
    assert r.returncode == 0, r.stderr
    bad = study(["plan", "tick", "nope"], env)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "nope" in bad.stderr
    data = json.loads(study(["plan", "--json"], env).stdout)
    paper = data["papers"][0]
    assert paper["ticked"] and paper["on"] == "2026-03-01" and paper["note"] == "read twice"
    assert not data["projects"][0]["ticked"]
    assert data["milestones"][0]["date"] == "2026-03-08"
    assert study(["plan", "tick", "pap", "--undo"], env).returncode == 0
    assert not json.loads(study(["plan", "--json"], env).stdout)["papers"][0]["ticked"]


def test_milestone_evidence_from_recall_and_katas(make_study: Callable, planned: Path) -> None:
    st = make_study(root=planned, new_per_day=50)
    start_plan(st, "tiny", T0.date() - timedelta(days=3))  # s2 (ta, tb) in force
    before = summary(st, T0)
    assert before is not None
    c1 = before["milestones"][0]["checks"][0]
    assert c1["evidence"]["met"] is False and c1["evidence"]["topics"]["ta"] is None
    for d in range(4):  # the rest of s2
        simulate_day(st, T0.date() + timedelta(days=d))
    later = T0 + timedelta(days=3, hours=3)
    after = summary(st, later)
    assert after is not None
    c1, c2 = after["milestones"][0]["checks"]
    assert c1["evidence"]["met"] is True and c1["evidence"]["topics"]["ta"] > 0.85
    assert c2["evidence"]["katas"] == {"ka": False} and not c2["evidence"]["met"]
    st.store.record_attempt("ka", T0, "passed", 0, 1000, "cpu", "def solve(x): return x")
    again = summary(st, later)
    assert again is not None and again["milestones"][0]["checks"][1]["evidence"]["met"]


def test_a_removed_plan_does_not_break_today(make_study: Callable, planned: Path,
                                             tmp_path: Path) -> None:
    st = make_study(root=planned, new_per_day=3)
    start_plan(st, "tiny", T0.date())
    set_tick(st.store, "tiny", "proj", T0.date(), "done")
    other = write_content(tmp_path / "noplans", plan="plans: []\n")
    st2 = make_study(root=other, new_per_day=3)
    assert read_target(st2.store) is not None
    assert Session(st2).plan(T0).counts["new"] == 3  # planned as if none ran
    r = study(["plan", "--json"], env_for(tmp_path / "home", other))
    assert r.returncode == 2 and "no longer in the content" in r.stderr


def test_plan_progress_is_the_same_in_cli_and_core(make_study: Callable, planned: Path,
                                                    tmp_path: Path) -> None:
    st = make_study(root=planned)
    target = start_plan(st, "tiny", T0.date())
    pr = progress(st, target, T0)
    env = env_for(tmp_path / "home", planned)
    data = json.loads(study(["plan", "--json"], env).stdout)
    assert data["new_per_day"] == pr.new_per_day == 2
    assert data["minutes_per_day"] == round(pr.minutes_per_day, 1)
    assert data["projected_finish"] == pr.projected_finish.isoformat()  # type: ignore[union-attr]


def test_bad_dates_on_the_command_line(tmp_path: Path, planned: Path) -> None:
    env = env_for(tmp_path / "home", planned)
    for args in (["plan", "start", "tiny", "--from", "2026-13-01"],
                 ["plan", "start", "nosuch"]):
        r = study(args, env)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
        assert "Traceback" not in r.stderr


def test_plan_list_json(tmp_path: Path, planned: Path) -> None:
    env = env_for(tmp_path / "home", planned)
    rows = json.loads(study(["plan", "list", "--json"], env).stdout)
    assert rows == [{"id": "tiny", "title": "Tiny plan", "title_zh": "小计划", "days": 10,
                     "stretches": 3, "topics": 4, "pace": "", "running": False}]


def test_plan_doc_example_is_valid(tmp_path: Path) -> None:
    """The example in docs/content-format.md loads against the bundled curriculum."""
    text = (REPO / "docs" / "content-format.md").read_text()
    block = text.split("## `content/plans/*.yaml`", 1)[1].split("```yaml", 1)[1]
    block = block.split("```", 1)[0]
    folder = tmp_path / "mine" / "content" / "plans"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text(textwrap.dedent(block))
    result = load([(REPO, "bundled"), (tmp_path / "mine", "user")])
    assert result.ok, result.problems
    assert "my-cnn-month" in result.content.plans


# --- the app --------------------------------------------------------------------------------


def test_chart_marks_planned_and_projected() -> None:
    from study.tui.widgets.plan_panel import chart

    planned = [float(d + 1) for d in range(10)]  # one a day, ten days
    behind = [None] * 4 + [2.0 + d for d in range(6)]  # two done by day 5 (planned 4)
    rows = chart(planned, behind, 10, width=10, height=2)
    assert len(rows) == 2 and "yellow" in "".join(rows)  # behind: below the dots
    ahead = [None] * 4 + [min(10.0, 8.0 + d) for d in range(6)]
    assert "yellow" not in "".join(chart(planned, ahead, 10, width=10, height=2))
    assert chart([], [], 0) == []


async def test_plan_screen_starts_ticks_and_sets_a_goal(tmp_path: Path, planned: Path) -> None:
    from textual.widgets import DataTable, Input
    from tui_helpers import running, settle

    from study.tui.screens.plan import PlanScreen
    from study.tui.widgets.plan_panel import PlanPanel

    async with running(tmp_path / "home", planned) as (app, pilot):
        app.push_screen(PlanScreen())
        await pilot.pause()
        await settle(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        assert not screen.query_one(PlanPanel).display  # nothing running yet
        screen.query_one("#plan-list", DataTable).focus()
        await pilot.press("s")
        await settle(app)
        await pilot.pause()
        st = app.study
        assert st is not None
        assert read_target(st.store).plan_id == "tiny"  # type: ignore[union-attr]
        panel = screen.query_one(PlanPanel)
        assert panel.display and panel.data is not None and panel.data["stretch"] == "s1"
        text = str(panel.render())
        assert "Tiny plan" in text and "小计划" in text and "on schedule" in text
        ticks = screen.query_one("#plan-ticks", DataTable)
        assert ticks.row_count == 4  # two checks, a project, a paper
        ticks.focus()
        await pilot.press("down", "down", "n")  # the project, with a note
        await pilot.press(*"built it", "enter")
        await settle(app)
        await pilot.pause()
        done = summary(st, st.now())
        assert done is not None and done["projects"][0]["ticked"]
        assert done["projects"][0]["note"] == "built it"
        await pilot.press("g")
        box = screen.query_one("#plan-input", Input)
        box.value = "2026-03-20 interview one"
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        goal = read_target(st.store)
        assert goal is not None and goal.kind == "goal" and goal.interview
        assert goal.tracks == ["one"]
        assert screen.query_one(PlanPanel).data["kind"] == "goal"  # type: ignore[index]


async def test_dashboard_shows_the_running_plan_and_p_opens_it(tmp_path: Path,
                                                                planned: Path) -> None:
    from tui_helpers import NOW, running, settle

    from study.tui.screens.plan import PlanScreen
    from study.tui.widgets.plan_panel import PlanPanel

    home = tmp_path / "home"
    with make_home(home, planned) as st:
        start_plan(st, "tiny", NOW.date() - timedelta(days=5))  # day 6: s2, nothing done
    async with running(home, planned, size=(110, 40)) as (app, pilot):
        await settle(app)
        await pilot.pause()
        panel = app.screen.query_one(PlanPanel)
        assert panel.display
        text = str(panel.render())
        assert "Second" in text and "behind" in text and "next milestone" in text
        assert "planned" in text  # the chart's legend
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Plan or goal" in titles
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)


def make_home(home: Path, root: Path):  # noqa: ANN201
    from study.core import open_study
    from study.settings import Settings

    return open_study(home, Settings(timezone="UTC"), [(root, "bundled")])


def test_a_user_plan_may_not_take_a_bundled_id_and_a_broken_one_is_named(
        tmp_path: Path, planned: Path) -> None:
    mine = tmp_path / "mine" / "content" / "plans"
    mine.mkdir(parents=True)
    (mine / "copy.yaml").write_text(PLAN)
    found = [str(p) for p in load([(planned, "bundled"), (tmp_path / "mine", "user")]).problems]
    assert len(found) == 1 and "copy.yaml:2:9: plan id 'tiny' is already used by bundled" \
        in found[0]
    broken = write_content(tmp_path / "broken", plan=PLAN.replace("[8, 10]", "[8, 1]"))
    r = study(["plan", "start", "tiny"], env_for(tmp_path / "home", broken))
    # The usual warning that content was skipped, then the error: one line.
    assert r.returncode == 2 and r.stderr.count("study: error:") == 1
    assert r.stderr.splitlines()[-1].startswith("study: error:")
    assert "unknown plan 'tiny'" in r.stderr and "tiny.yaml:13:" in r.stderr
    assert "ends before it starts" in r.stderr


def test_behind_with_a_capped_pace_catches_up_later_or_moves_the_finish(
        make_study: Callable, planned: Path) -> None:
    """Projected finish for a plan: the plan's own pace kept from today, day by day."""
    st = make_study(root=planned)
    target = start_plan(st, "tiny", T0.date() - timedelta(days=6))  # day 7, nothing done
    free = progress(st, target, T0)
    assert free.new_per_day == 18 and free.on_track  # s1 and s2 all due today
    assert free.projected_finish == T0.date() + timedelta(days=3)  # s3 ends on day 10
    st.settings.max_minutes_per_day = 5  # about six a day fit: enough to catch up by day 10
    capped = progress(st, target, T0)
    assert capped.capped and 0 < capped.new_per_day < 18
    assert capped.projected_finish == free.end and capped.on_track
    st.settings.max_minutes_per_day = 2  # (below the setting's range: a test of the rule)
    late = progress(st, target, T0)
    assert late.capped and 0 < late.new_per_day < capped.new_per_day
    assert late.projected_finish is not None and late.projected_finish > free.end
    assert not late.on_track and any("projected finish" in m for m in late.messages)


@pytest.mark.parametrize("now, stretch, topic", [
    ("2027-01-04T10:00:00Z", "d1", "tensors"),          # day 1
    ("2027-01-09T10:00:00Z", "d6", "convolution"),      # day 6: CNN basics (days 6-10)
    ("2027-01-22T10:00:00Z", "d19", "multi-head-attention"),  # day 19: Transformers
    ("2027-01-30T10:00:00Z", "d26", None),              # day 27: the project, no topics
])
def test_the_bundled_30_day_plan_by_date(tmp_path: Path, now: str, stretch: str,
                                         topic: str | None) -> None:
    env = env_for(tmp_path / "home", STUDY_NOW=now)
    r = study(["plan", "start", "thirty-days", "--from", "2027-01-04"], env)
    assert r.returncode == 0, r.stderr
    data = json.loads(study(["plan", "--json"], env).stdout)
    assert data["stretch"] == stretch and data["by"] == "2027-02-02"
    if topic is not None:
        assert topic in data["current_topics"] and data["new_per_day"] > 0
    # Cloze siblings wait for tomorrow (buried), so a day may hold a few fewer.
    new = json.loads(study(["today", "--json"], env).stdout)["new"]
    assert new <= data["new_per_day"] and (new > 0 or topic is None)


def test_a_plan_file_named_on_the_command_line_is_checked_as_a_plan(tmp_path: Path) -> None:
    loose = tmp_path / "my-plan.yaml"
    loose.write_text(PLAN.replace("topics: [ta, tb]", "topics: [attention-mechanism, nope]")
                     .replace("[te]", "[lstm]").replace("[tc]", "[gru]")
                     .replace("katas: [ka]", "katas: [softmax]").replace("[ta]}", "[lstm]}"))
    r = study(["content", "check", str(loose)], env_for(tmp_path / "home"))
    assert r.returncode == 1
    assert r.stdout.splitlines() == [f"{loose}:10:39: unknown topic 'nope'"]
