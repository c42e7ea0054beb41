"""The headless parts behind Browse, Stats and the dashboard: search syntax, charts, numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import T0

from study import browse, stats
from study.tui.widgets.heatmap import render


def test_query_syntax() -> None:
    q = browse.parse_query('softmax "two words" tag:Attn -is:suspended track:cnn type:cloze')
    assert q.include == [("text", "softmax"), ("text", "two words"), ("tag", "attn"),
                         ("track", "cnn"), ("type", "cloze")]
    assert q.exclude == [("is", "suspended")]
    with pytest.raises(browse.QueryError, match="use one of"):
        browse.parse_query("is:sleepy")
    with pytest.raises(browse.QueryError):
        browse.parse_query('"unclosed')


def test_search_by_text_tag_state_and_negation(make_study) -> None:  # type: ignore[no-untyped-def]
    study = make_study()
    study.store.grade("a-0", "card", 3, T0)
    study.store.action("a-1", "card", "suspend", T0)
    rows = browse.rows(study, T0)

    def ids(text: str) -> set[str]:
        return {r.item.id for r in browse.search(rows, browse.parse_query(text), T0)}

    assert ids("hello") == {"alpha-typed"}  # the text of the question
    assert ids("tag:cloze") == {"alpha-cloze#c1", "alpha-cloze#c2"}
    assert ids("is:suspended") == {"a-1"}
    assert ids("is:learning") == {"a-0"}
    assert ids("is:due") == {"a-0"}  # learning, due within today
    assert "a-0" not in ids("is:new") and "b-0" in ids("is:new")
    assert ids("type:mcq") == {"alpha-mcq"}
    assert ids("topic:beta -b-0") == {"b-1", "b-2"}
    # a cloze row reads as its sentence, the asked deletion in brackets
    cloze_row = next(r for r in rows if r.item.id == "alpha-cloze#c2")
    assert cloze_row.title == "The first and the [second] deletion. (c2)"


def test_detail_has_state_retrievability_and_history(make_study) -> None:  # type: ignore[no-untyped-def]
    study = make_study()
    item = next(it for it in study.items if it.id == "a-0")
    study.store.grade("a-0", "card", 3, T0)
    undone = study.store.grade("a-0", "card", 1, T0 + timedelta(minutes=12))
    study.store.undo(undone.review_id, T0 + timedelta(minutes=13))
    d = browse.detail(study, item, T0 + timedelta(minutes=20))
    assert [what for _, what in d.history] == ["Good"]  # the undone grade is gone
    assert d.retrievability is not None and 0 < d.retrievability <= 1
    assert d.state.reps == 1


def test_bars_scale_to_the_tallest() -> None:
    rows = stats.bars([0, 4, 8], height=2)
    assert rows == ["  █", " ██"]
    assert stats.bars([0, 0], height=3)[-1] == "▁▁"  # an empty chart still has a baseline


def test_forecast_and_daily_reviews(make_study) -> None:  # type: ignore[no-untyped-def]
    study = make_study()
    for i, item in enumerate(["a-0", "a-1", "a-2"]):
        study.store.grade(item, "card", 4, T0 + timedelta(minutes=i))  # Easy: due in days
    today = study.days.day_of(T0)
    assert stats.daily_reviews(study, today, 3) == [0, 0, 3]
    ahead = stats.forecast(study, T0, 30)
    assert sum(ahead) == 3 and ahead[0] == 0
    rows = stats.by_track(study, today)
    assert [(r.track, r.started) for r in rows] == [("basics", 3)]


def test_heatmap_labels_months_and_fits_its_weeks() -> None:
    today = date(2026, 11, 23)  # a Monday
    text = render(today, [1] * 400, 30).plain.splitlines()
    assert text[0].split() == ["May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
    assert text[1].count("■") == 30  # Mondays: one per week shown
    assert text[2].count("■") == 29  # the current week has no Tuesday yet
    assert len(text) == 9  # months, seven weekdays, the legend
