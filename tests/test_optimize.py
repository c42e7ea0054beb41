"""FSRS parameters fitted to the learner's log (study.optimize), on synthetic learners."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs_rs_python as fsrs_rs
import fsrs_synth as synth
import pytest
from conftest import T0
from hypothesis import given
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
