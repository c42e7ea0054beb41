"""Checking typed and multiple-choice answers. Wrong -> Again, right -> Good."""

from __future__ import annotations

import dataclasses
import string
import unicodedata
from typing import TYPE_CHECKING

from study.models import Card

if TYPE_CHECKING:
    from study import answerforms

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
# Math operators are never "punctuation": p(1+p) is not p(1-p).
_PUNCT = (set(string.punctuation) - set("*/^=<>")) | {"。", "，", "、", "：", "；", "！", "？",
                                                      "（", "）", "·"}


def normalize(text: str, rules: list[str]) -> str:
    if "unicode" in rules:
        text = unicodedata.normalize("NFKC", text)
    if "case" in rules:
        text = text.casefold()
    if "punctuation" in rules:
        text = "".join(
            " " if ch in _PUNCT and not _keep(text, i) else ch for i, ch in enumerate(text)
        )
    if "whitespace" in rules or "punctuation" in rules:
        text = " ".join(text.split())
    return text


def _keep(text: str, i: int) -> bool:
    """Punctuation that carries meaning: a decimal point, or a sign next to a number or
    a bracket (-1, 1-p, (1+p)); a hyphen between words (one-hot) is just a hyphen."""
    ch = text[i]
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if ch == ".":
        return before.isdigit() and after.isdigit()
    if ch in "+-":
        return any(c.isdigit() or c in "()[]" for c in (before, after) if c)
    return False


def context(card: Card) -> answerforms.Context:
    """What the card says about how its answers may be written."""
    from study import answerforms  # its patterns cost ~5 ms: only where a typed answer is

    return answerforms.Context(
        case="case" in card.normalize, any_order=card.any_order,
        shape=answerforms.is_shape_card(card.question, card.answers),
        units=answerforms.question_units(card.question),
        labels=answerforms.question_labels(card.question), ignore=tuple(card.ignore_words))


def match(card: Card, answer: str) -> tuple[str, str] | None:
    """The accepted answer that `answer` matches and the rule that matched it, or None.

    First the card's `normalize` rules on the text; then the same value however it
    is written (see `answerforms`): numbers as numbers, products, lists, any order."""
    from study import answerforms

    pool = card.answers
    ctx = context(card)
    given = answerforms.prepare(answer, ctx)
    plain = normalize(given, card.normalize)
    if not plain:
        return None
    for a in pool:
        if normalize(answerforms.prepare(a, ctx), card.normalize) == plain:
            return a, "normalize"
    for a in pool:
        rule = answerforms.same(given, answerforms.prepare(a, ctx), ctx)
        if rule:
            return a, rule
    return None


def check_typed(card: Card, answer: str) -> bool:
    return match(card, answer) is not None


def redundant(card: Card) -> list[tuple[int, str, str]]:
    """(index, accepted answer, rule) for each listed answer the card would accept anyway:
    asked of the card itself with that answer and every later redundant one left out, so
    leaving all of them out together keeps each accepted."""
    keep = list(range(len(card.answers)))
    found: list[tuple[int, str, str]] = []
    for i in reversed(range(len(card.answers))):
        rest = [card.answers[j] for j in keep if j != i]
        if not rest:
            continue
        hit = match(dataclasses.replace(card, answers=rest), card.answers[i])
        if hit:
            keep.remove(i)
            found.append((i, *hit))
    # A later one was judged beside an earlier one left out since: judge all again.
    while True:
        kept = dataclasses.replace(card, answers=[card.answers[j] for j in sorted(keep)])
        lost = [f for f in found if match(kept, card.answers[f[0]]) is None]
        if not lost:
            break
        keep.append(lost[0][0])
        found.remove(lost[0])
    return sorted((i, *(match(kept, card.answers[i]) or (a, r))) for i, a, r in found)


def parse_choices(text: str, n: int) -> list[int] | None:
    """'b', 'a,c', 'ac', '2' or '1 3' -> 0-based indices; None if unreadable."""
    text = text.strip().lower().replace(",", " ")
    if not text:
        return None
    picks: list[int] = []
    tokens = text.split() if " " in text else (list(text) if text.isalpha() else [text])
    for tok in tokens:
        if len(tok) == 1 and "a" <= tok <= "z":
            idx = ord(tok) - ord("a")
        elif tok.isdigit():
            idx = int(tok) - 1
        else:
            return None
        if not 0 <= idx < n:
            return None
        picks.append(idx)
    return sorted(set(picks))


def check_mcq(card: Card, picks: list[int]) -> bool:
    return sorted(set(picks)) == sorted(card.answer)


def suggested_rating(correct: bool) -> int:
    return GOOD if correct else AGAIN


def diff(given: str, expected: str) -> list[tuple[str, str]]:
    """Character diff of an answer against the accepted one: (op, text) with op in
    'same' (typed and right), 'extra' (typed, not in the answer), 'missing' (not typed)."""
    import difflib

    out: list[tuple[str, str]] = []
    sm = difflib.SequenceMatcher(a=given, b=expected, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out.append(("same", given[i1:i2]))
            continue
        if i2 > i1:
            out.append(("extra", given[i1:i2]))
        if j2 > j1:
            out.append(("missing", expected[j1:j2]))
    return out


def closest_answer(card: Card, given: str) -> str:
    """The accepted answer nearest to what was typed, to diff against."""
    import difflib

    norm = normalize(given, card.normalize)
    return max(card.answers, key=lambda a: difflib.SequenceMatcher(
        a=norm, b=normalize(a, card.normalize)).ratio())
