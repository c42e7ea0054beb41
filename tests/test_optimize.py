"""FSRS parameters fitted to the learner's log (study.optimize), on synthetic learners."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs_rs_python as fsrs_rs
import fsrs_synth as synth
import pytest
from conftest import T0
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study import optimize as opt
from study.clock import DayClock
from study.scheduler import Srs
from study.store import Store

DAYS = DayClock(ZoneInfo("UTC"), 4)
DEFAULTS = list(opt.DEFAULT_PARAMETERS)


def open_store(path: Path) -> Store:
    return Store(path, Srs(), DAYS)


@pytest.fixture(scope="module")
def learner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with ~6,000 grades from a learner who forgets faster than FSRS assumes."""
    path = tmp_path_factory.mktemp("learner") / "s.db"
    with open_store(path) as store:
        synth.write(store.conn, synth.history(synth.TRUTH, cards=600, days=120, seed=7))
        store.rebuild()  # the states live grading would have left
    return path


def test_the_fit_moves_held_out_log_loss_toward_the_truth(learner: Path) -> None:
    with open_store(learner) as store:
        result = opt.optimize(store.conn, "card")
        _, test = opt.split(opt.read_dataset(store.conn, "card"))
    truth = opt.score(synth.TRUTH, test)
    assert result.default is not None and result.fitted is not None
    assert result.reviews > 4000 and result.held_out == len(test)
    assert result.better
    assert result.fitted.log_loss < result.default.log_loss
    # most of the way from the defaults to what the true parameters score
    gap = result.default.log_loss - truth.log_loss
    assert gap > 0.005
    assert result.fitted.log_loss - truth.log_loss < gap / 2
    assert result.fitted.rmse_bins < result.default.rmse_bins
    assert result.parameters != DEFAULTS and len(result.parameters) == 21
    # the initial stabilities move toward the truth (a third of the defaults)
    assert sum(result.parameters[:4]) < sum(DEFAULTS[:4])
    line = result.summary()
    assert "better than the default parameters by" in line and "AUC" in line
    assert "RMSE(bins)" in line and "log loss" in line
    data = result.to_dict()
    assert set(data["default"]) == set(data["fitted"]) == {"log_loss", "rmse_bins", "auc"}


def test_the_scored_reviews_are_the_newest_and_unseen_by_the_fit(learner: Path) -> None:
    with open_store(learner) as store:
        data = opt.read_dataset(store.conn, "card")
    train, test = opt.split(data)
    assert data.order == sorted(data.order)  # time order
    assert max(train.order) < min(test.order)
    assert len(train) + len(test) == len(data)
    assert abs(len(test) - len(data) * opt.HELD_OUT) <= 1


def test_predictions_agree_with_fsrs_rs_log_loss(learner: Path) -> None:
    with open_store(learner) as store:
        _, test = opt.split(opt.read_dataset(store.conn, "card"))
    preds = opt.predictions(DEFAULTS, test)
    mine = -sum(math.log(p) if y else math.log(1 - p)
                for p, y in zip(preds, test.passed, strict=True)) / len(preds)
    theirs = fsrs_rs.FSRS(DEFAULTS).evaluate(test.items).log_loss
    assert mine == pytest.approx(theirs, rel=0.01)


def grades(store: Store, plan: list[tuple[str, int, int]]) -> list[int]:
    """(item, rating, day offset) graded through the store; returns the log ids."""
    return [store.grade(item, "card", rating, T0 + timedelta(days=day, minutes=i)).review_id
            for i, (item, rating, day) in enumerate(plan)]


def test_an_empty_home_says_so_in_one_line(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store, pytest.raises(
            opt.OptimizeError, match="no cards reviewed yet") as err:
        opt.optimize(store.conn, "card")
    assert "\n" not in str(err.value)


def test_all_reviews_on_one_day_say_so_in_one_line(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        grades(store, [(f"c{i}", 1 + i % 4, 0) for i in range(30)])
        with pytest.raises(opt.OptimizeError, match="on one day") as err:
            opt.optimize(store.conn, "card")
    assert "\n" not in str(err.value) and "30" in str(err.value)


def test_below_eight_usable_reviews_the_defaults_stay(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        # 7 items graded on two days: 7 usable reviews (the first grade of each is not one)
        grades(store, [(f"c{i}", 3, 0) for i in range(7)] + [(f"c{i}", 3, 3) for i in range(7)])
        result = opt.optimize(store.conn, "card")
    assert result.reviews == 7
    assert result.parameters == DEFAULTS
    assert "8" in result.note and "default" in result.summary()
    assert result.fitted is None and not result.better


def test_below_sixty_four_only_the_initial_stabilities_are_fitted(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        plan = [(f"c{i}", 3, 0) for i in range(40)]
        plan += [(f"c{i}", 1 if i % 2 else 3, 2 + i % 3) for i in range(40)]
        grades(store, plan)
        result = opt.optimize(store.conn, "card")
    assert result.reviews == 40
    assert result.parameters[4:] == DEFAULTS[4:]
    assert "initial stabilities" in result.note
    assert result.fitted is not None and result.default is not None


def test_undone_grades_resets_and_katas_are_left_out(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        a = grades(store, [("a", 3, 0), ("a", 3, 2), ("a", 1, 9), ("b", 3, 0), ("b", 4, 5)])
        store.undo(a[2], T0 + timedelta(days=9, minutes=5))  # a's Again is undone
        store.action("b", "card", "forget", T0 + timedelta(days=6))
        store.grade("b", "card", 2, T0 + timedelta(days=7))  # b starts again: not usable
        store.grade("b", "card", 3, T0 + timedelta(days=8))  # usable, one day after
        store.grade("k", "kata", 3, T0)
        store.grade("k", "kata", 1, T0 + timedelta(days=4))
        cards = opt.read_dataset(store.conn, "card")
        katas = opt.read_dataset(store.conn, "kata")
    assert cards.grades == 6
    assert cards.passed == [1, 1, 1] and cards.elapsed == [2, 5, 1]
    assert [len(it.reviews) for it in cards.items] == [2, 2, 2]
    assert katas.grades == 2 and katas.passed == [0] and katas.elapsed == [4]


def test_same_day_repeats_stay_in_the_history_but_are_not_predicted(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        grades(store, [("a", 1, 0), ("a", 3, 0), ("a", 3, 1), ("a", 1, 5), ("a", 3, 5),
                       ("a", 3, 7)])
        data = opt.read_dataset(store.conn, "card")
    assert data.elapsed == [1, 4, 2]
    assert [len(it.reviews) for it in data.items] == [3, 4, 6]


@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 5)), min_size=1, max_size=40))
def test_auc_is_the_share_of_ordered_pairs(pairs: list[tuple[int, int]]) -> None:
    truth = [t for t, _ in pairs]
    scores = [float(s) for _, s in pairs]
    pos = [s for t, s in pairs if t]
    neg = [s for t, s in pairs if not t]
    got = opt.auc(truth, scores)
    if not pos or not neg:
        assert got is None
        return
    want = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    assert got == pytest.approx(want / (len(pos) * len(neg)))


def test_parameter_sets_are_checked() -> None:
    assert opt.valid_parameters(DEFAULTS)
    assert not opt.valid_parameters(DEFAULTS[:20])
    assert not opt.valid_parameters([*DEFAULTS[:20], float("nan")])
    assert not opt.valid_parameters(["x"] * 21)


# -- fitted sets in the log: rebuild == live across optimizations -------------------------

SETS = [synth.TRUTH, [v * 1.1 for v in DEFAULTS[:4]] + DEFAULTS[4:], None]

ops = st.lists(
    st.tuples(
        st.sampled_from(["grade", "grade", "grade", "undo", "suspend", "forget", "optimize"]),
        st.sampled_from(["a", "b", "c", "k"]),
        st.integers(1, 4),
        st.integers(0, 60 * 24 * 20),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=ops)
def test_rebuild_equals_live_across_optimizations(tmp_path_factory: pytest.TempPathFactory,
                                                  ops: list) -> None:
    path = tmp_path_factory.mktemp("rbo") / "s.db"
    with open_store(path) as store:
        t = T0
        graded: list[int] = []
        for op, item, rating, gap in ops:
            t += timedelta(minutes=gap)
            kind = "kata" if item == "k" else "card"
            if op == "grade":
                graded.append(store.grade(item, kind, rating, t).review_id)
            elif op == "undo" and graded:  # undoing a grade from before a switch, too
                store.undo(graded.pop(rating % len(graded)), t)
            elif op == "optimize":
                store.adopt_parameters("kata" if rating == 4 else "card",
                                       SETS[rating % len(SETS)], t)
            elif op != "undo":
                store.action(item, kind, op, t)
        live = store.states()
        store.rebuild()
        assert store.states() == live
    with open_store(path) as again:  # a new process schedules with the newest sets
        assert again.srs.parameters("card") == store.srs.parameters("card")
        assert again.srs.parameters("kata") == store.srs.parameters("kata")


def test_a_set_is_used_from_its_adoption_on_and_per_kind(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        before = store.grade("a", "card", 3, T0).after
        store.adopt_parameters("card", synth.TRUTH, T0)
        after = store.grade("b", "card", 3, T0).after
        kata = store.grade("k", "kata", 3, T0).after
        assert before.stability == pytest.approx(DEFAULTS[2])
        assert after.stability == pytest.approx(synth.TRUTH[2])  # the fitted S0(Good)
        assert kata.stability == pytest.approx(DEFAULTS[2])  # katas keep their own set
        live = store.states()
        store.rebuild()
        assert store.states() == live
        assert store.states()["a"].stability == pytest.approx(DEFAULTS[2])


def test_another_process_adopting_a_set_is_seen_by_the_next_grade(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as app, open_store(tmp_path / "s.db") as cli:
        cli.adopt_parameters("card", synth.TRUTH, T0)
        got = app.grade("a", "card", 3, T0).after
        assert got.stability == pytest.approx(synth.TRUTH[2])


def test_a_set_for_another_fsrs_version_is_not_used(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        store.adopt_parameters("card", synth.TRUTH, T0)
        store.conn.execute("UPDATE fsrs_params SET fsrs_version = 'FSRS-7'")
    with open_store(tmp_path / "s.db") as store:
        assert list(store.srs.parameters("card")) == pytest.approx(DEFAULTS)


# -- `study optimize` -----------------------------------------------------------------------


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDY_")}
    env.update(STUDY_HOME=str(home), STUDY_NOW="2026-06-01T12:00:00Z", TZ="UTC",
               STUDY_BUNDLED_CONTENT="0")
    return subprocess.run([sys.executable, "-m", "study", "optimize", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_bad_homes_get_one_line_and_exit_2(tmp_path: Path) -> None:
    empty = cli(tmp_path / "empty")
    assert empty.returncode == 2 and empty.stdout == ""
    assert empty.stderr.count("\n") == 1 and "no cards reviewed yet" in empty.stderr
    with open_store(tmp_path / "oneday" / "study.db") as store:
        grades(store, [(f"c{i}", 1 + i % 4, 0) for i in range(20)])
    one = cli(tmp_path / "oneday", "--json")
    assert one.returncode == 2 and one.stdout == ""
    assert one.stderr.count("\n") == 1 and "one day" in one.stderr
    assert "Traceback" not in empty.stderr + one.stderr
    revert = cli(tmp_path / "oneday", "--revert")
    assert revert.returncode == 2 and "nothing to revert" in revert.stderr
    with open_store(tmp_path / "oneday" / "study.db") as store:  # nothing was changed
        assert store.conn.execute("SELECT COUNT(*) FROM fsrs_params").fetchone()[0] == 0


def test_cli_fits_adopts_and_reverts(tmp_path: Path, learner: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(learner, home / "study.db")
    out = cli(home, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("reviews", "seconds", "parameters", "default", "fitted"):
        assert key in data
    for key in ("log_loss", "rmse_bins", "auc"):
        assert isinstance(data["default"][key], float) and isinstance(data["fitted"][key], float)
    assert data["applied"] and data["fitted"]["log_loss"] < data["default"]["log_loss"]
    assert "error" in data["katas"]  # no katas in this home: reported, not fatal
    with open_store(home / "study.db") as store:
        assert list(store.srs.parameters("card")) == pytest.approx(data["parameters"], abs=1e-5)
        assert list(store.srs.parameters("kata")) == pytest.approx(DEFAULTS)
        after = store.grade("new-card", "card", 3, T0 + timedelta(days=400)).after
        assert after.stability == pytest.approx(data["parameters"][2], abs=1e-5)
        live = store.states()
        store.rebuild()
        assert store.states() == live
    again = cli(home)  # the same log: the fit is no better than itself
    assert again.returncode == 0 and "current parameters" in again.stdout
    assert again.stdout.splitlines()[0].startswith("cards: fitted on")
    back = cli(home, "--revert")
    assert back.returncode == 0 and "default parameters" in back.stdout
    with open_store(home / "study.db") as store:
        assert list(store.srs.parameters("card")) == pytest.approx(DEFAULTS)
    assert cli(home, "--revert").returncode == 2


def test_revert_goes_back_one_set_at_a_time(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        first, second = SETS[0], SETS[1]
        store.adopt_parameters("card", first, T0)
        store.adopt_parameters("card", second, T0)
        assert opt.in_use(store, "card") == pytest.approx(second)
        assert "before the last" in (opt.revert(store, "card", T0) or "")
        assert list(store.srs.parameters("card")) == pytest.approx(first)
        assert "default" in (opt.revert(store, "card", T0) or "")
        assert opt.revert(store, "card", T0) is None
        assert opt.in_use(store, "card") is None


# -- the workload curve and the automatic re-fit --------------------------------------------


def test_workload_rises_with_retention_and_uses_the_learners_times(learner: Path) -> None:
    from study import workload

    with open_store(learner) as store:
        config, own = workload.learner_config(store.conn, deck=800, new_per_day=10,
                                              max_reviews=9999, max_ivl=36500)
        points = workload.curve(DEFAULTS, config, current=0.88)
    assert [p.retention for p in points] == sorted({*workload.RETENTIONS, 0.88})
    minutes = [p.minutes_per_day for p in points]
    assert minutes[0] < minutes[-1] and all(m > 0 for m in minutes)
    reviews = [p.reviews_per_day for p in points]
    assert reviews == sorted(reviews)  # more retention, more reviews
    assert own["answer_times"]  # every synthetic grade took 8 s
    assert config.state_rating_costs[1][2] == pytest.approx(8.0)
    slower = workload.learner_config  # the same learner answering in 16 s costs more
    with open_store(learner) as store:
        store.conn.execute("UPDATE reviews SET duration_ms = 16000")
        config2, _ = slower(store.conn, deck=800, new_per_day=10, max_reviews=9999,
                            max_ivl=36500)
        store.conn.execute("UPDATE reviews SET duration_ms = 8000")
    more = workload.curve(DEFAULTS, config2, current=0.88)
    assert all(b.minutes_per_day > a.minutes_per_day for a, b in zip(points, more, strict=True))


def test_auto_fit_waits_for_the_reviews_to_double_and_runs_once_a_day(tmp_path: Path,
                                                                      learner: Path) -> None:
    shutil.copy(learner, tmp_path / "s.db")
    with open_store(tmp_path / "s.db") as store:
        day = 800_000
        lines = opt.auto_fit(store, day, T0)
        assert len(lines) == 1 and "now in use" in lines[0] and "revert" in lines[0]
        assert opt.in_use(store, "card") is not None
        assert opt.auto_fit(store, day, T0) == []  # once a day
        assert opt.auto_fit(store, day + 1, T0) == []  # not doubled since
        assert opt.auto_due(store, "kata", day + 1) is None  # no katas at all
        n = opt.auto_due(store, "card", day + 1)
        assert n is None
        grades = store.count_grades()
        store.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (opt.AUTO_META + "card", f"{day}:{grades // 2}"))
        assert opt.auto_due(store, "card", day + 1) == grades


def test_stats_json_carries_the_health_check_and_the_workload(tmp_path: Path,
                                                              learner: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(learner, home / "study.db")
    assert cli(home).returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDY_")}
    env.update(STUDY_HOME=str(home), STUDY_NOW="2026-06-01T12:00:00Z", TZ="UTC")
    out = subprocess.run([sys.executable, "-m", "study", "stats", "--json"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    fsrs = json.loads(out.stdout)["fsrs"]
    cards = fsrs["cards"]
    assert cards["fitted"] and cards["reviews"] > 4000
    assert set(cards["evaluation"]["default"]) == {"log_loss", "rmse_bins", "auc"}
    assert cards["evaluation"]["fitted"]["log_loss"] < cards["evaluation"]["default"]["log_loss"]
    assert fsrs["katas"]["fitted"] is False
    curve = fsrs["workload"]
    assert curve["current"] == 0.9
    assert 0.9 in [p["retention"] for p in curve["points"]]
    assert min(p["retention"] for p in curve["points"]) == 0.7
    assert max(p["retention"] for p in curve["points"]) == 0.97


def test_an_import_replays_with_the_logged_sets_as_rebuild_does(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with open_store(home / "study.db") as store:
        grades(store, [("a", 3, 0), ("a", 3, 3), ("b", 1, 1), ("b", 3, 4)])
        store.adopt_parameters("card", synth.TRUTH, T0)
        grades(store, [("a", 3, 9), ("c", 3, 9)])
        live = store.states()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDY_")}
    env.update(STUDY_HOME=str(home), STUDY_NOW="2026-06-01T12:00:00Z", TZ="UTC",
               STUDY_BUNDLED_CONTENT="0")
    dump = tmp_path / "export.json"
    for args in (["export", "json", "--out", str(dump)],
                 ["import", "json", str(dump), "--replace"]):
        out = subprocess.run([sys.executable, "-m", "study", *args], env=env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
    with open_store(home / "study.db") as store:
        imported = store.states()
        store.rebuild()
        assert store.states() == imported == live


def test_optimize_never_imports_torch(tmp_path: Path, learner: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(learner, home / "study.db")
    code = ("import sys\nfrom study.cli import main\nrc = main(sys.argv[1:])\n"
            "print('RC', rc, [m for m in ('torch', 'textual') if m in sys.modules])\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDY_")}
    env.update(STUDY_HOME=str(home), STUDY_BUNDLED_CONTENT="0", TZ="UTC")
    for args in (["optimize", "--json"], ["optimize", "--revert"], ["stats", "--json"]):
        out = subprocess.run([sys.executable, "-c", code, *args], env=env,
                             capture_output=True, text=True, timeout=120)
        assert "RC 0 []" in out.stdout, (args, out.stdout, out.stderr)
