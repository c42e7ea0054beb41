"""Auto-grading of typed and multiple-choice answers."""

from __future__ import annotations

from study.grading import check_mcq, check_typed, normalize, parse_choices, suggested_rating
from study.models import Card


def typed(answers: list[str], rules: list[str]) -> Card:
    return Card(id="t", type="typed", topic="x", tags=[], source="s", question="q",
                answers=answers, normalize=rules)


def test_normalize_rules() -> None:
    assert normalize("  Hello   World ", ["case", "whitespace"]) == "hello world"
    assert normalize("Hello, world!", ["punctuation"]) == "Hello world"
    assert normalize("ＢＥＲＴ", ["unicode", "case"]) == "bert"
    assert normalize("1.5B, 0.1", ["punctuation"]) == "1.5B 0.1"  # decimals survive
    assert normalize("end.", ["punctuation"]) == "end"
    rules = ["case", "whitespace", "punctuation"]
    assert normalize("one-hot", rules) == normalize("one hot", rules)  # a word's hyphen
    assert normalize("p(1-p)", rules) != normalize("p(1+p)", rules)  # a sign is kept
    assert normalize("-1, 4", rules) != normalize("1, 4", rules)
    assert normalize("d/sqrt(d_k)", rules) != normalize("d sqrt(d_k)", rules)


def test_typed_answers() -> None:
    card = typed(["sqrt(d_k)", "square root of d_k"], ["case", "whitespace", "punctuation"])
    assert check_typed(card, "SQRT(d_k)")
    assert check_typed(card, "square  root of d_k.")
    assert not check_typed(card, "d_k")
    assert not check_typed(card, "")
    assert not check_typed(typed(["1.5"], ["case", "whitespace", "punctuation"]), "15")


def test_mcq_choices() -> None:
    card = Card(id="m", type="mcq", topic="x", tags=[], source="s", question="q",
                choices=["a", "b", "c", "d"], answer=[0, 2], explanation="e")
    assert parse_choices("a,c", 4) == [0, 2]
    assert parse_choices("ca", 4) == [0, 2]
    assert parse_choices("1 3", 4) == [0, 2]
    assert parse_choices("e", 4) is None
    assert parse_choices("", 4) is None
    assert check_mcq(card, [2, 0])
    assert not check_mcq(card, [0])
    assert suggested_rating(True) == 3 and suggested_rating(False) == 1
