"""Planning today's session: order, limits, prerequisites, siblings, katas, leeches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from conftest import T0, write_kata

from study.core import Study
from study.planner import interleave, separate_siblings
from study.session import Session


def ids(study: Study, now=T0) -> list[str]:
    return [e.item.id for e in Session(study).plan(now).entries]


def test_new_cards_in_curriculum_order_behind_prerequisites(make_study: Callable) -> None:
    study = make_study()
    plan = Session(study).plan(T0)
    assert all(e.reason == "new" for e in plan.entries)
    order = [e.item.id for e in plan.entries]
    # alpha first (file order), one cloze sibling only; beta waits for alpha to be
    # started; gamma's prerequisite has no content, so it does not block.
    assert order == ["alpha-cloze#c1", "alpha-mcq", "alpha-typed", "a-0", "a-1", "a-2",
                     "g-0", "g-1"]


def test_starting_a_topic_unlocks_its_dependents(make_study: Callable) -> None:
    study = make_study()
    s = Session(study)
    item = s.next(T0).item
    s.grade(item, 3, T0)
    assert "b-0" in ids(study, T0 + timedelta(minutes=1))


def test_new_per_day_counts_what_was_introduced_today(make_study: Callable) -> None:
    study = make_study(new_per_day=3)
    s = Session(study)
    assert s.plan(T0).counts["new"] == 3
    first = s.next(T0).item
    s.grade(first, 4, T0)  # Easy: graduates at once, not back today
    plan = s.plan(T0)
    assert plan.counts["new"] == 2
    assert plan.new_done_today == 1
    # The next study day allows three again.
    assert s.plan(T0 + timedelta(days=1)).counts["new"] == 3


def test_learning_first_then_reviews_by_lowest_retrievability(make_study: Callable) -> None:
    study = make_study(new_per_day=0)
    store = study.store
    # Three review cards last seen at different times, so different retrievability.
    for item, days_ago in (("a-0", 3), ("a-1", 30), ("a-2", 10)):
        t = T0 - timedelta(days=days_ago)
        store.grade(item, "card", 4, t)
        # force them due today with the stability they got
        store.conn.execute("UPDATE item_state SET due_ms = ? WHERE item_id = ?",
                           (int((T0 - timedelta(hours=1)).timestamp() * 1000), item))
    store.grade("g-0", "card", 1, T0 - timedelta(minutes=5))  # learning, due in 1 min
    plan = Session(study).plan(T0)
    reasons = [(e.item.id, e.reason) for e in plan.entries]
    assert reasons[0] == ("g-0", "learning")
    reviews = [e for e in plan.entries if e.reason == "review"]
    assert [e.item.id for e in reviews] == ["a-1", "a-2", "a-0"]
    rs = [e.retrievability for e in reviews]
    assert rs == sorted(rs)


def test_max_reviews_per_day(make_study: Callable) -> None:
    study = make_study(new_per_day=0, max_reviews_per_day=2)
    for item in ("a-0", "a-1", "a-2"):
        study.store.grade(item, "card", 4, T0 - timedelta(days=60))
    plan = Session(study).plan(T0)
    assert plan.counts["review"] == 2
    s = Session(study)
    s.grade(plan.entries[0].item, 3, T0)
    assert s.plan(T0).counts["review"] == 1


def test_cloze_siblings_are_buried_until_tomorrow(make_study: Callable) -> None:
    study = make_study()
    s = Session(study)
    c1 = next(e.item for e in s.plan(T0).entries if e.item.id == "alpha-cloze#c1")
    s.grade(c1, 3, T0)
    later = [e.item.id for e in s.plan(T0 + timedelta(minutes=30)).entries]
    assert "alpha-cloze#c1" in later  # still learning today
    assert "alpha-cloze#c2" not in later
    tomorrow = [e.item.id for e in s.plan(T0 + timedelta(days=1)).entries]
    assert "alpha-cloze#c2" in tomorrow


def test_without_burying_siblings_never_follow_each_other(make_study: Callable) -> None:
    study = make_study(bury_siblings=False, new_per_day=50)
    order = ids(study)
    assert "alpha-cloze#c1" in order and "alpha-cloze#c2" in order
    notes = [i.split("#")[0] for i in order]
    assert all(a != b for a, b in zip(notes, notes[1:], strict=False))


def test_separate_siblings_and_interleave_helpers(make_study: Callable) -> None:
    study = make_study(bury_siblings=False)
    entries = Session(study).plan(T0).entries
    by_id = {e.item.id: e for e in entries}
    bad = [by_id["alpha-cloze#c1"], by_id["alpha-cloze#c2"], by_id["a-0"]]
    fixed = separate_siblings(bad)
    assert [e.item.id for e in fixed] == ["alpha-cloze#c1", "a-0", "alpha-cloze#c2"]
    mixed = interleave(list("RRRRRR"), list("NN"))  # type: ignore[arg-type]
    assert mixed.count("N") == 2 and mixed[0] == "R"
    assert "NN" not in "".join(mixed)


def test_suspended_and_buried_items_are_left_out(make_study: Callable) -> None:
    study = make_study()
    s = Session(study)
    a0 = next(e.item for e in s.plan(T0).entries if e.item.id == "a-0")
    a1 = next(e.item for e in s.plan(T0).entries if e.item.id == "a-1")
    s.suspend(a0, T0)
    s.bury(a1, T0)
    order = ids(study)
    assert "a-0" not in order and "a-1" not in order
    tomorrow = ids(study, T0 + timedelta(days=1))
    assert "a-1" in tomorrow and "a-0" not in tomorrow


def test_katas_new_per_day_and_after_cards(make_study: Callable, mini: Path) -> None:
    write_kata(mini, "kata-one", "alpha")
    write_kata(mini, "kata-two", "alpha")
    study = make_study(new_katas_per_day=1)
    plan = Session(study).plan(T0)
    kinds = [e.item.kind for e in plan.entries]
    assert kinds.count("kata") == 1
    assert kinds[-1] == "kata"
    assert plan.entries[-1].item.id == "kata-one"
    assert plan.estimated_minutes >= 15  # the kata's budget counts


def test_undo_puts_the_item_back(make_study: Callable) -> None:
    study = make_study()
    s = Session(study)
    first = s.next(T0).item
    before = s.plan(T0)
    s.grade(first, 4, T0)
    assert s.next(T0).item != first
    undone = s.undo(T0)
    assert undone is not None and undone.item_id == first.id
    after = s.plan(T0)
    assert [e.item.id for e in after.entries] == [e.item.id for e in before.entries]
    assert s.undo(T0) is None  # nothing left to undo today


def test_undo_after_relaunch_undoes_todays_last_grade(make_study: Callable, tmp_path: Path) -> None:
    study = make_study()
    s = Session(study)
    item = s.next(T0).item
    s.grade(item, 3, T0)
    fresh = Session(study)  # as after a relaunch
    undone = fresh.undo(T0)
    assert undone is not None and undone.item_id == item.id
    assert study.store.count_grades() == 0


def test_a_kata_whose_prerequisites_start_today_is_in_day_one(make_study: Callable,
                                                              mini: Path) -> None:
    # beta needs alpha; nothing is started, but alpha's new cards are in today's plan
    write_kata(mini, "kata-beta", "beta")
    study = make_study(new_katas_per_day=1)
    assert "kata-beta" in ids(study)


def test_a_kata_waits_while_its_prerequisites_are_not_reached(make_study: Callable,
                                                              mini: Path) -> None:
    write_kata(mini, "kata-beta", "beta")
    # no new cards today: alpha does not start, so beta's kata is not yet fair to ask
    study = make_study(new_per_day=0, new_katas_per_day=1)
    assert "kata-beta" not in ids(study)


def test_new_katas_per_day_with_several_eligible(make_study: Callable, mini: Path) -> None:
    for n in range(3):
        write_kata(mini, f"kata-{n}", "beta")
    study = make_study(new_katas_per_day=2)
    plan = Session(study).plan(T0)
    assert plan.counts["kata"] == 2
    # day two: yesterday's katas graded, two more new ones come
    s = Session(study)
    for e in plan.entries:
        s.grade(e.item, 3, T0)
    tomorrow = [e for e in s.plan(T0 + timedelta(days=1)).entries if e.reason == "kata-new"]
    assert [e.item.id for e in tomorrow] == ["kata-2"]


def test_kata_first_puts_todays_katas_before_the_cards(make_study: Callable,
                                                       mini: Path) -> None:
    write_kata(mini, "kata-one", "alpha")
    study = make_study(new_katas_per_day=1, kata_first=True)
    kinds = [e.item.kind for e in Session(study).plan(T0).entries]
    assert kinds[0] == "kata" and kinds.count("kata") == 1 and "card" in kinds


def test_glossary_cards_come_after_their_topics_questions(make_study: Callable,
                                                          mini: Path) -> None:
    cards = mini / "cards" / "basics" / "alpha.yaml"
    text = cards.read_text()
    glossary = ("  - id: alpha-glossary\n    type: basic\n    front: 'Key terms: Alpha'\n"
                "    back: '| English | 中文 |'\n    tags: [glossary]\n    source: test\n")
    cards.write_text(text.replace("cards:\n", "cards:\n" + glossary, 1))
    study = make_study(new_per_day=50)
    order = ids(study)
    alpha = [i for i in order if i.startswith(("a-", "alpha"))]
    assert alpha[-1] == "alpha-glossary" and len(alpha) > 1
    assert order.index("alpha-glossary") < order.index("g-0")  # before the next topic
