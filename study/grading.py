"""Checking typed and multiple-choice answers. Wrong -> Again, right -> Good."""

from __future__ import annotations

import string
import unicodedata

from study.models import Card

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


def check_typed(card: Card, answer: str) -> bool:
    given = normalize(answer, card.normalize)
    return bool(given) and any(given == normalize(a, card.normalize) for a in card.answers)


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
