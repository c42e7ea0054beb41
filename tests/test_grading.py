"""Auto-grading of typed and multiple-choice answers."""

from __future__ import annotations

import re

import pytest

from study.grading import (
    check_mcq,
    check_typed,
    closest_answer,
    diff,
    match,
    normalize,
    parse_choices,
    redundant,
    suggested_rating,
)
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


# --- meaning where meaning is mechanical: (answers, card options, typed, accepted?) -------

FULL = ["case", "whitespace", "punctuation"]
CASES = [
    # numbers compare as numbers
    (["0.75"], {}, [".75", "3/4", "3 / 4", "75%", "75 %", "75 percent", "0.750", "7.5e-1",
                    "0.75.", " 0.75 "], ["0.7", "75", "0.57", "3/5", "7.5", "0.75%", "-0.75"]),
    (["3/4"], {}, ["0.75", ".75", "75 %", "6/8"], ["0.8", "3/5", "4/3"]),
    (["8"], {"normalize": FULL}, ["tensor(8.)", "tensor(8.0)", "8.0", "8.", "eight",
                                  "tensor(8., dtype=torch.float64)"], ["tensor(4.)", "80", "0.8"]),
    (["0.92"], {"normalize": ["whitespace"]}, ["0.920", ".92", "92%", "92 %"],
     ["0.9", "92", "0.092", "0.902"]),
    (["1e-4"], {}, ["0.0001", "1E-4", "10^-4", "1 × 10^-4", "1x10^{-4}", "1e-04"],
     ["1e-3", "1e4", "10^4", "0.001"]),
    (["10000"], {"normalize": FULL}, ["10,000", "10 000", "1e4", "10^4", "10**4"],
     ["1000", "100 000", "10,00"]),
    # a decimal rounded to >= 2 significant digits stands for a never-ending fraction
    (["2/3"], {}, ["0.667", "0.67", "0.6667", "66.7%", "4/6"],
     ["0.7", "0.66", "0.6", "0.666", "0.68"]),
    (["0.143"], {}, ["1/7"], ["0.14", "1/8"]),  # the card's 3-digit rounding of 1/7
    (["0.25"], {}, ["1/4"], ["0.2", "0.3", "0.250001"]),  # a terminating decimal: exact
    # a unit the question asks for
    (["3"], {"question": "What is the entropy, in bits, of a fair 8-sided die?"},
     ["3 bits", "3.0 bits"], ["3 nats", "3 bytes", "30 bits"]),
    (["15.3"], {"question": "Top-5 error (in %)?"}, ["15.3%", "15.3 %", "15.30 percent"],
     ["0.153", "15.3 bits", "15"]),
    (["3"], {"question": "How many bits in a byte... in total?"}, [], ["3 nats"]),
    (["196"], {"question": "How many patch tokens (not counting the class token) does ViT "
                           "get from a 224×224 image?"},
     ["196 tokens", "196 patch tokens", "196 token", "about 196", "~196", "≈ 196"],
     ["196 images", "196 classes", "about 197", "169 tokens"]),
    (["600x400"], {"question": "What is the figure's size in pixels (width × height)?"},
     ["600 x 400 pixels", "600×400 pixels"], ["400x600 pixels", "600x400 inches"]),
    (["6"], {"question": "How many identical layers does each stack have?"},
     ["six layers", "6 identical layers", "6 layers"], ["five layers", "6 stacks"]),
    (["1.44"], {"question": "One nat equals how many bits?"}, ["1.44 bits"],
     ["1.44 nats", "1.44 nat", "1.4 bits"]),  # the unit converted from is not the answer's
    (["196"], {"question": "How many patch tokens does ViT get from a 224×224 image?"},
     ["196 patches", "196 patch", "196patches", "196 tokens"], ["196 pixels", "169 patches"]),
    (["3"], {"question": "How many tokens survive?"},
     ["three tokens", "3 tokens", "Three.", "3 token"], ["4 tokens", "three bits"]),
    (["21"], {"question": "How many layers?"}, ["twenty-one", "twenty one layers"],
     ["twenty", "twenty-two layers"]),
    # a count's magnitude: 11B = 11 billion = 11,000,000,000 = 1.1e10
    (["11B"], {"question": "How many parameters does the largest T5 model have?"},
     ["11 billion", "11bn", "11B parameters", "11 billion parameters", "11,000,000,000",
      "1.1e10", "11000M"], ["11M", "1.1B", "11 million parameters", "110B", "11 billion tokens"]),
    (["4000"], {"question": "How many warm-up steps?"}, ["4k", "4K steps", "4 thousand", "4,000"],
     ["4", "40k", "4 million"]),
    (["16 bytes"], {"question": "How much memory per parameter?"}, ["16 bytes"],
     ["16 billion", "16"]),
    # fractions in words, exponents in superscripts
    (["3/4"], {}, ["three quarters", "three-quarters", "three fourths", "3 quarters"],
     ["two thirds", "quarter", "three fifths"]),
    (["0.5"], {}, ["half", "a half", "one-half", "½"], ["a third", "halves 2", "⅓"]),
    (["1e-3"], {}, ["10⁻³", "1×10⁻³", "1 × 10^-3"], ["10⁻⁴", "10³", "10⁻³⁰"]),
    (["n^2"], {}, ["n²", "n**2"], ["n³", "n^-2", "2n"]),
    # a factor, where the question asks for one
    (["4"], {"question": "By what factor must the number of samples grow?"},
     ["4x", "4×", "x4", "×4", "4 times", "four times", "4-fold", "fourfold", "quadruple"],
     ["5x", "2 times", "4 x 4", "x5", "40x"]),
    (["2x"], {"question": "What is the derivative of x^2?"}, ["2 x"], ["2", "2 times", "x2"]),
    (["[1, 2]"], {"question": "What does it print?"}, ["tensor([1., 2.])", "[1., 2.]"],
     ["tensor([2., 1.])", "tensor([1., 2., 3.])"]),
    # a name from the question before the value
    (["64"], {"question": "With $d_\\text{model} = 512$ and $h = 8$ heads, what is $d_k$?"},
     ["d_k = 64", "$d_k$ = 64", "d_k=64"], ["d_k = 8", "d_k = 64 = h", "q = 64x"]),
    # products and shapes: spacing and spelling free, order not
    (["h × d"], {"question": "What is the shape of the gradient?"},
     ["h x d", "h*d", "h * d", "hxd", "h by d", "(h, d)", "[h, d]", "H × D", "h, d"],
     ["d × h", "d x h", "(d, h)", "h", "h × d × 1"]),
    (["(8, 512, 1, 1)"], {"question": "What is the output shape?"},
     ["8x512x1x1", "8 × 512 × 1 × 1", "torch.Size([8, 512, 1, 1])", "[8,512,1,1]",
      "8 512 1 1"], ["(8, 512, 1)", "(512, 8, 1, 1)", "8x512x7x7"]),
    (["6ND"], {}, [], ["6 + N + D", "6N+D"]),
    # a size written as a product makes the tuple the same answer, whatever else is listed
    (["7x7", "7"], {"question": "What is the receptive field of one output unit?"},
     ["7 x 7", "7 by 7", "7×7", "(7, 7)", "7"], ["7 x 5", "49", "5 by 7"]),
    (["600x400"], {"question": "A figure with figsize=(6, 4) and dpi=100: how many pixels?"},
     ["(600, 400)", "600 by 400", "600, 400", "600 × 400 pixels"], ["(400, 600)", "400x600"]),
    (["(600, 400)"], {"question": "What is its size in pixels (width × height)?"},
     ["600x400", "600 x 400", "600 by 400"], ["400x600", "(400, 600)"]),
    (["4×4"], {}, ["4x4", "4 by 4", "4 x 4", "(4, 4)"], ["4x5", "16"]),
    (["h*d"], {}, ["(h, d)", "h x d", "h by d"], ["(d, h)", "d*h"]),
    (["(3,)"], {"question": "What is the shape of `x.sum(dim=1)`?"},
     ["3", "(3)", "[3]", "torch.Size([3])", "3,"], ["(3, 1)", "(1, 3)", "4", "()"]),
    (["4x4"], {}, ["4 x 4", "4 × 4", "4 by 4", "4*4"], ["4", "4x5", "16", "4 x 4 x 4"]),
    (["6 * N * D"], {}, ["6·N·D", "6×N×D", "6 x N x D", "6*N*D"], ["6 + N + D", "N*6*D"]),
    (["2n-1"], {}, ["2n - 1", "2n − 1", "2n-1."], ["2n+1", "2n", "1-2n"]),
    (["p(1-p)"], {}, ["p(1 - p)", "p (1-p)"], ["p(1+p)", "p(1-q)", "(1-p)"]),
    (["d_k"], {}, ["$d_k$", "d_{k}", "`d_k`"], ["d_q", "dk_"]),
    # lists: separators free; the order matters unless the card says any_order
    (["1, 4"], {}, ["1,4", "1 and 4", "1; 4", "{1, 4}", "(1, 4)", "1.0, 4"],
     ["4, 1", "1 x 4", "1, 4, 5", "14", "1, 5"]),
    (["A and C"], {"any_order": True},
     ["A & C", "A and C.", "C, A", "C and A", "a, c", "A C", "{C, A}"],
     ["A", "A, B, C", "A, A, C", "A C B", "B and C", "A and B"]),
    (["4, 1"], {"any_order": True}, ["1 and 4", "1.0, 4"], ["1, 4, 4", "1, 5"]),
    # words the card lets one add or leave out
    (["WordPiece"], {"normalize": FULL, "ignore_words": ["tokenizer", "tokenization"]},
     ["WordPiece tokenizer", "the WordPiece tokenization", "wordpiece."],
     ["BPE tokenizer", "tokenizer", "SentencePiece"]),
    (["True"], {"question": "Is `(x * w).requires_grad` True or False?"},
     ["true", "True."], ["True False", "False", "not True"]),
]


@pytest.mark.parametrize(("answers", "opts", "right", "wrong"), CASES,
                         ids=[f"{c[0][0]}" for c in CASES])
def test_meaning_rules(answers: list[str], opts: dict, right: list[str], wrong: list[str]) -> None:
    card = typed(answers, opts.get("normalize", ["case", "whitespace"]))
    for key, value in opts.items():
        if key != "normalize":
            setattr(card, key, value)
    accepted_wrongly = [w for w in wrong if check_typed(card, w)]
    rejected = [r for r in right if not check_typed(card, r)]
    assert not rejected, f"{answers}: should accept {rejected}"
    assert not accepted_wrongly, f"{answers}: should reject {accepted_wrongly}"


def test_huge_exponents_are_not_numbers() -> None:
    # Read as numbers they would build bignums of a hundred million digits mid-review.
    card = typed(["1e4"], ["case", "whitespace"])
    assert not check_typed(card, "1e99999999")
    assert not check_typed(card, "10^99999999")
    assert check_typed(card, "1e+004") and check_typed(card, "10^4")


def test_match_names_the_rule_and_the_answer() -> None:
    card = typed(["3/4", "three quarters"], ["case", "whitespace"])
    assert match(card, ".75") == ("3/4", "number")
    assert match(card, "Three  Quarters") == ("three quarters", "normalize")
    assert match(card, "0.7") is None
    assert closest_answer(card, "3/5") == "3/4"
    assert diff("3/5", "3/4") == [("same", "3/"), ("extra", "5"), ("missing", "4")]


def test_each_answer_is_read_alone() -> None:
    # Leaving one variant out never changes how another is read: the shape rule does not
    # depend on which other forms happen to be listed.
    full = typed(["600x400", "(600, 400)"], FULL)
    full.question = "A figure with figsize=(6, 4) and dpi=100: how many pixels?"
    for keep in (["600x400"], ["(600, 400)"]):
        card = typed(keep, FULL)
        card.question = full.question
        for given in ("600x400", "(600, 400)", "600 by 400", "600, 400"):
            assert check_typed(card, given) == check_typed(full, given) is True, (keep, given)
        assert not check_typed(card, "400 x 600")


def test_redundant_answers_are_the_ones_the_grader_accepts_without_them() -> None:
    card = typed(["7x7", "7", "7 x 7", "7 by 7", "(7, 7)", "49"], FULL)
    card.question = "What is the receptive field?"
    found = redundant(card)
    assert [card.answers[i] for i, _, _ in found] == ["7 x 7", "7 by 7", "(7, 7)"]
    left = typed([a for i, a in enumerate(card.answers) if i not in {f[0] for f in found}],
                 FULL)
    left.question = card.question
    assert all(check_typed(left, card.answers[i]) for i, _, _ in found)
    assert redundant(typed(["0.75", "3/4", "0.7"], FULL)) == [(1, "0.75", "number")]


def test_a_card_cached_before_these_fields_still_grades() -> None:
    # The content cache pickles Cards; one written before any_order / ignore_words existed
    # has neither in its __dict__ and must fall back to the defaults, not crash a review.
    card = typed(["3/4"], ["case", "whitespace"])
    del card.__dict__["any_order"], card.__dict__["ignore_words"]
    assert check_typed(card, ".75") and not check_typed(card, "0.7")


# --- the bundled typed cards: natural phrasings in, other cards' answers out -------------

def _bundled_typed() -> list[Card]:
    from study.loader import load
    from study.paths import bundled_root

    return [c for c in load([(bundled_root(), "bundled")]).content.cards.values()
            if c.type == "typed"]


def _phrasings(answer: str) -> set[str]:
    out = {answer + ".", f" {answer} ", answer.upper()}
    parts = re.split(r"\s*[x×]\s*", answer)
    if len(parts) > 1 and all(re.fullmatch(r"\d+|[A-Za-z]", p) for p in parts):
        out |= {sep.join(parts) for sep in (" x ", "×", " × ", "*", " by ")}
    return out


def test_bundled_cards_accept_natural_phrasings_and_reject_their_neighbours() -> None:
    cards = _bundled_typed()
    assert cards
    rejected = [(c.id, p) for c in cards for a in c.answers for p in _phrasings(a)
                if (p != a.upper() or "case" in c.normalize) and not check_typed(c, p)]
    assert not rejected, rejected[:10]
    by_topic: dict[str, list[Card]] = {}
    for c in cards:
        by_topic.setdefault(c.topic, []).append(c)
    wrong = []
    for c in cards:
        for other in by_topic[c.topic]:
            for a in other.answers if other is not c else []:
                found = match(c, a)
                # two cards may share an answer, spelt the same; nothing else may pass
                if found and found[1] != "normalize":
                    wrong.append((c.id, a, found))
    assert not wrong, wrong[:10]
