"""What a typed answer means, where that is mechanical: numbers, products, shapes, lists.

`grading.check_typed` accepts an answer that equals an accepted one under the card's
`normalize` rules, or that spells the same value by one of the rules here. Each rule
only identifies two spellings of one value, so none can make a wrong answer right:

- numbers compare as numbers: 0.75 = .75 = 3/4 = 75 % = 0.750 = 7.5e-1, 1,024 = 1024,
  `tensor(8.)` = 8, "three" = 3, 11B = 11 billion = 1.1e10; a decimal rounded to two or
  more significant digits matches a fraction whose decimals never end (0.667 and 0.67
  for 2/3, never 0.7);
- a number may carry a unit the question asks for ("3 bits" where it asks "in bits",
  "196 patches" or "196 tokens" where it asks "how many patch tokens");
- spaces around operators and the spelling of a product do not matter
  (h × d = h*d = h x d = h by d), but the order of the factors does;
- lists compare item by item, however they are separated ("1, 4" = "1 and 4" = "(1; 4)");
  with `any_order: true` on the card, in any order ("A & C" = "C, A"); where the question
  asks for a shape or an answer is written as one, a tuple and a product are one thing
  ("(h, d)" = "h × d").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

_SUPERSCRIPTS = str.maketrans({"−": "-", "⁄": "/", "∕": "/"})
_SUPER_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPER_RUN = re.compile(r"[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")  # 10⁻³ -> 10^-3, n² -> n^2
# "three quarters", "two-thirds", "a half": a fraction in words.
_DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
                 "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
                 "eighth": 8, "eighths": 8, "tenth": 10, "tenths": 10}
_WORDS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"))}
_TENS = {w: 10 * i for i, w in enumerate((
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), start=2)}
_WORDS |= _TENS | {f"{t}{sep}{u}": tv + uv for t, tv in _TENS.items()
                   for u, uv in list(_WORDS.items())[1:10] for sep in (" ", "-")}
_WORDS |= {"a hundred": 100, "one hundred": 100, "a thousand": 1000, "one thousand": 1000}
# "11B", "110 million", "4k": a count's magnitude (B is a billion only glued to a number;
# "16 B" stays sixteen bytes).
_MAGNITUDES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
               "k": 10**3, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9, "t": 10**12}
_MAG = r"(thousand|million|billion|trillion|(?<=\d)(?:k|mn?|bn?|t)(?![^\W\d_]))"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u202f\u2009]\d{3})+|\d+)"
# Exponents of at most three digits: "1e99999999" must not make a review hang on a bignum.
_NUM = rf"[+-]?(?:{_DIGITS}(?:\.\d*)?|\.\d+)(?:e[+-]?\d{{1,3}})?"
_POW = r"10\s*(?:\^|\*\*)\s*\{?\s*([+-]?\d{1,3})\s*\}?"
# Words of letters: "bits", "patch tokens", "image-text pairs".
_UNIT = r"(?:%|[^\W\d_]+(?:[ -][^\W\d_]+)*)?"
_PATTERNS = (  # (regex, kind); the first that matches the whole text wins
    (re.compile(rf"({_POW})\s*({_UNIT})", re.I), "pow"),
    (re.compile(rf"({_NUM})\s*[*×x·]\s*{_POW}\s*({_UNIT})", re.I), "sci"),
    (re.compile(rf"({_NUM})\s*/\s*({_NUM})\s*({_UNIT})", re.I), "frac"),
    (re.compile(rf"({_NUM})\s*{_MAG}\s*({_UNIT})", re.I), "magnitude"),
    (re.compile(rf"({_NUM})\s*({_UNIT})", re.I), "plain"),
)
_TENSOR = re.compile(r"tensor\((.+?)(?:,\s*\w+\s*=[^,()]*(?:\([^()]*\))?)*\)", re.I)
_PERCENT = {"%", "percent", "per cent"}
_OPERATORS = re.compile(r"\s*([-+*/^=<>(),;:\[\]{}|])\s*")
_SEPARATORS = re.compile(r"\s*(?:[,;&]|\band\b)\s*")
_BRACKETS = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True)
class Context:
    """What the card says about its answers."""

    case: bool = True  # case-insensitive
    any_order: bool = False
    shape: bool = False  # a tuple and a product are the same answer
    units: frozenset[str] = frozenset()  # units the question asks for ("in bits")
    labels: frozenset[str] = frozenset()  # names in the question ("d_k" in "d_k = 64")
    ignore: tuple[str, ...] = ()  # words a learner may add or leave out


@dataclass(frozen=True)
class Quantity:
    value: Fraction
    unit: str
    places: int | None  # decimal places written, for a plain decimal; else None


_NOT_UNITS = frozenset((
    "a", "an", "and", "are", "as", "at", "by", "can", "could", "did", "do", "does", "each",
    "for", "from", "has", "have", "in", "is", "it", "its", "must", "of", "on", "one", "or",
    "per", "should", "that", "the", "their", "there", "this", "to", "was", "were", "when",
    "will", "with", "would",
))


def question_units(question: str) -> frozenset[str]:
    """What a number may be followed by, because the question asks for it: the unit of
    'in bits' or '(in %)', and the thing counted in 'how many patch tokens'."""
    found: set[str] = set()
    for m in re.finditer(r"\bin\s+(%|[^\W\d_]+)", question):
        found.add(m.group(1).casefold())
    asks = r"\b(?:how\s+many|how\s+much|number\s+of)\s+((?:[^\W\d_][\w-]*\s*){1,3})"
    for m in re.finditer(asks, re.sub(r"\([^()]*\)\s*", "", question), re.I):
        words: list[str] = []
        for w in m.group(1).casefold().split():
            if w in _NOT_UNITS:
                break
            words.append(w)
        # "how many patch tokens": "196 patch tokens", "196 tokens" and "196 patches"
        found.update(" ".join(words[i:]) for i in range(len(words)))
        found.update(words)
    found -= _NOT_UNITS
    found |= {f for u in found for f in _noun_forms(u)}
    if _FACTOR_QUESTION.search(question):
        found.add(FACTOR)
    if found & _PERCENT:
        found |= _PERCENT
    return frozenset(found)


# "By what factor...", "how many times faster": 4 = 4x = 4× = x4 = 4 times = four times.
FACTOR = "×"
_FACTOR_QUESTION = re.compile(
    r"\bfactor\b|\bhow\s+many\s+times\b|\btimes\s+(?:more|less|fewer|larger|smaller|"
    r"faster|slower|bigger|higher|lower|as)\b|\bhow\s+much\s+(?:faster|slower|larger|"
    r"smaller|bigger|more|less)\b|-fold\b", re.I)
_FACTOR_FORMS = re.compile(r"[x×*]\s*(.+)|(.+?)\s*(?:[x×]|-?\s*fold|\s+times)", re.I)
_FACTOR_WORDS = {"twice": "2", "double": "2", "thrice": "3", "triple": "3", "quadruple": "4"}


def _factor(text: str) -> str:
    """A factor written with its mark ("4x", "×4", "4 times", "fourfold") as the number."""
    text = _FACTOR_WORDS.get(text.casefold(), text)
    m = _FACTOR_FORMS.fullmatch(text)
    if m:
        return (m.group(1) or m.group(2)).strip()
    m = re.fullmatch(r"([^\W\d_]+)fold", text, re.I)
    return m.group(1) if m and m.group(1).casefold() in _WORDS else text


def _noun_forms(phrase: str) -> set[str]:
    """A counted noun in the singular and the plural: bits/bit, patch/patches."""
    if len(phrase) <= 3 or phrase in _PERCENT:
        return {phrase}
    if phrase.endswith(("ches", "shes", "sses", "xes")):
        return {phrase, phrase[:-2]}
    if phrase.endswith("ies"):
        return {phrase, phrase[:-3] + "y"}
    if phrase.endswith("s") and not phrase.endswith(("ss", "us", "is")):
        return {phrase, phrase[:-1]}
    if phrase.endswith(("ch", "sh", "ss", "x")):
        return {phrase, phrase + "es"}
    if phrase.endswith("y") and phrase[-2:-1] not in "aeiou":
        return {phrase, phrase[:-1] + "ies"}
    return {phrase, phrase + "s"}


def question_labels(question: str) -> frozenset[str]:
    """Names in the question a learner may write before an answer: `d_k = 64`."""
    plain = question.replace("\\", "").replace("$", " ")
    return frozenset(w.casefold() for w in re.findall(r"[A-Za-z_][\w{}^]*", plain))


def prepare(text: str, ctx: Context) -> str:
    """The answer as typed, with what never carries meaning taken off: compatibility
    forms, a closing full stop, enclosing `$...$` or backticks, ignorable words."""
    text = _SUPER_RUN.sub(lambda m: "^" + m.group(0).translate(_SUPER_DIGITS),
                          text.translate(_SUPERSCRIPTS))
    text = unicodedata.normalize("NFKC", text).translate(_SUPERSCRIPTS)  # ⅔ -> 2⁄3 -> 2/3
    if ctx.case:
        text = text.casefold()
    text = " ".join(text.split())
    while True:
        before = text
        text = text.rstrip(" .。!！")
        for left, right in (("$", "$"), ("`", "`")):
            if len(text) > 2 and text[0] == left and text[-1] == right \
                    and left not in text[1:-1]:
                text = text[1:-1].strip()
        if text == before:
            break
    for word in ctx.ignore:
        flags = re.I if ctx.case else 0
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", text, flags=flags)
    text = " ".join(text.split())
    return re.sub(r"^the\s+(?=\w)", "", text, flags=re.I)


def _to_fraction(literal: str) -> Fraction:
    return Fraction(re.sub(r"[, \u202f\u2009]", "", literal))


def _places(literal: str) -> int | None:
    if "e" in literal.lower():
        return None
    _, dot, frac = literal.partition(".")
    return len(frac) if dot else 0


def quantities(text: str) -> list[Quantity]:
    """Every reading of `text` as a number with an optional unit; [] if it is not one."""
    m = _TENSOR.fullmatch(text)
    if m:
        text = m.group(1).strip()
    # "about 110M", "≈ 0.67": the hedge is not part of the value.
    text = re.sub(r"^(?:~|≈|about|approx\.?|approximately|around|roughly)\s*", "", text,
                  flags=re.I)
    # "three tokens", "twenty-one layers": a number word, with a unit like any number.
    m = re.fullmatch(r"(a|an|one|two|three|four|five|six|seven|eight|nine|\d+)?[ -]?"
                     r"([^\W\d_]+)", text.casefold())
    if m and m.group(2) in _DENOMINATORS and (m.group(1) or m.group(2).startswith("half")):
        count = m.group(1) or "1"
        num = int(count) if count.isdigit() else _WORDS.get(count, 1)
        return [Quantity(Fraction(num, _DENOMINATORS[m.group(2)]), "", None)]
    words = text.split()
    for n in (2, 1):
        word = _WORDS.get(" ".join(words[:n]).casefold())
        unit = " ".join(words[n:])
        if word is not None and len(words) >= n and re.fullmatch(_UNIT, unit):
            return [Quantity(Fraction(word), unit, 0)]
    found: list[Quantity] = []
    for pattern, kind in _PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        places: int | None = None
        if kind == "pow":
            value, unit = Fraction(10) ** int(m.group(2)), m.group(3)
        elif kind == "sci":
            value, unit = _to_fraction(m.group(1)) * Fraction(10) ** int(m.group(2)), m.group(3)
        elif kind == "frac":
            den = _to_fraction(m.group(2))
            if den == 0:
                return []
            value, unit = _to_fraction(m.group(1)) / den, m.group(3)
        elif kind == "magnitude":
            # Also read as written ("16B" may be bytes), after the count it may stand for.
            scale = _MAGNITUDES[m.group(2).casefold()]
            value, unit = _to_fraction(m.group(1)) * scale, m.group(3)
            found.append(Quantity(value, " ".join(unit.split()), None))
            continue
        else:
            value, unit = _to_fraction(m.group(1)), m.group(2)
            places = _places(m.group(1))
        unit = " ".join(unit.split())  # case is the card's `normalize` business: MB is not Mb
        if unit.casefold() in _PERCENT:
            percent = Quantity(value / 100, "", None if places is None else places + 2)
            return [percent, Quantity(value, "%", places)]
        return [*found, Quantity(value, unit, places)]
    return found


def _terminates(value: Fraction) -> bool:
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


def _rounds_to(given: Quantity, exact: Fraction, min_digits: int = 2) -> bool:
    """`given` is `exact` (whose decimals never end) rounded half up to the places it
    shows, with at least `min_digits` significant digits: 0.67 for 2/3, not 0.7."""
    if not given.places or _terminates(exact):
        return False
    scale = 10 ** given.places
    shown = abs(given.value) * scale
    if shown.denominator != 1 or len(str(shown.numerator)) < min_digits:
        return False
    rounded = Fraction(int(abs(exact) * scale + Fraction(1, 2)), scale)
    return rounded == abs(given.value) and (given.value < 0) == (exact < 0)


def _same_quantity(given: list[Quantity], accepted: list[Quantity], ctx: Context) -> bool:
    for g in given:
        for a in accepted:
            if not (g.unit == a.unit or (not a.unit and g.unit.casefold() in ctx.units)
                    or (not g.unit and a.unit.casefold() in ctx.units)):
                continue
            if g.value == a.value:
                return True
            # A rounded decimal for an exact fraction, either way round; the card's own
            # rounding must show three digits to stand for a fraction (0.333, not 0.33).
            if g.unit == a.unit and (_rounds_to(g, a.value) or _rounds_to(a, g.value, 3)):
                return True
    return False


def expression(text: str) -> str:
    """Spacing around operators removed; ×, ·, x between factors and 'by' spelt `*`."""
    text = re.sub(r"\\(?:times|cdot)\b", "*", text)
    text = re.sub(r"(?<=\d)\s*x\s*(?=\d)", "*", text)
    text = re.sub(r"(?<=\S) x (?=\S)", " * ", text)
    text = re.sub(r"[×·⋅∙]", "*", text).replace("**", "^")
    if re.fullmatch(r"[\w.]{1,5}(?: by [\w.]{1,5})+", text):
        text = text.replace(" by ", "*")
    text = re.sub(r"([\^_])\{([^{}]*)\}", r"\1\2", text)
    return _OPERATORS.sub(r"\1", text).strip()


def _unwrap(text: str) -> str:
    m = re.fullmatch(r"(?:torch\.size|tensor)\((.*)\)", text, re.I)
    if m:
        text = m.group(1)
    while len(text) >= 2 and _BRACKETS.get(text[0]) == text[-1] and _closes_at_end(text):
        text = text[1:-1]
    return text


def _closes_at_end(text: str) -> bool:
    """Whether the bracket opening `text` is the one closing it: `(a)(b)` is not wrapped."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


def _atom(text: str) -> tuple[str, str]:
    plain = [q for q in quantities(text) if not q.unit]
    return ("n", str(plain[0].value)) if plain else ("t", expression(text))


def items(text: str, ctx: Context) -> list[tuple[str, str]] | None:
    """The entries of a list ("1, 4", "(8, 512)", "A and C"), or None for one thing."""
    inner = _unwrap(expression(text))
    parts = [p for p in _SEPARATORS.split(inner) if p]
    if len(parts) == 1 and ctx.shape and re.fullmatch(r"[^\Wx](?:x[^\Wx])+", parts[0]):
        parts = parts[0].split("x")  # "hxd", "mxn": one-letter dimensions of a shape
    elif len(parts) == 1 and ctx.shape and "*" in parts[0]:
        parts = [p for p in parts[0].split("*") if p]
    if len(parts) == 1 and " " in parts[0]:
        words = parts[0].split()
        if ctx.any_order or (ctx.shape and all(len(w) == 1 or quantities(w) for w in words)):
            parts = words
    if len(parts) < 2:
        return None
    return [_atom(p) for p in parts]


def same(given: str, accepted: str, ctx: Context) -> str | None:
    """Which rule makes two prepared answers the same, or None if none does."""
    if given == accepted:
        return "spelling"
    if FACTOR in ctx.units:
        g_factor, a_factor = _factor(given), _factor(accepted)
        if (g_factor, a_factor) != (given, accepted) and quantities(g_factor) \
                and quantities(a_factor):
            return "number" if same(g_factor, a_factor, ctx) else None
    for unit in ctx.units:  # "600x400 pixels", "six layers": the unit the question asks for
        if given.casefold().endswith(" " + unit) and not accepted.casefold().endswith(unit) \
                and same(given[: -len(unit) - 1].rstrip(), accepted, ctx):
            return "unit"
    label = re.fullmatch(r"\$?\\?([A-Za-z_][\w{}^]*)\$?\s*=\s*(.+)", given)
    if label and "=" not in accepted and label.group(1).casefold() in ctx.labels:
        return "name" if same(label.group(2), accepted, ctx) else None  # "d_k = 64" for 64
    g_num, a_num = quantities(given), quantities(accepted)
    if g_num and a_num and _same_quantity(g_num, a_num, ctx):
        return "number"
    if expression(given) == expression(accepted):
        return "operator spacing"
    if ctx.shape and _atom(_unwrap(expression(given)).rstrip(",")) == \
            _atom(_unwrap(expression(accepted)).rstrip(",")):
        return "list"  # a 1-D shape: 3 = (3,) = [3] = torch.Size([3])
    g_items, a_items = items(given, ctx), items(accepted, ctx)
    if g_items is None or a_items is None:
        return None
    if g_items == a_items:
        return "list"
    if ctx.any_order and Counter(g_items) == Counter(a_items):
        return "any order"
    return None


# A size: numbers or one-letter dimensions joined by x, × or "by" (7x7, h × d), or by * or ·
# where the factors are all numbers or all letters (h*d, 8*512; not the formula 6*N*D).
_SIZE = re.compile(r"(?:\d+|[^\W\d_])(?:\s*(?:[x×]|\bby\b)\s*(?:\d+|[^\W\d_]))+"
                   r"|\d+(?:\s*[*·]\s*\d+)+|[^\W\d_](?:\s*[*·]\s*[^\W\d_])+", re.I)
_SHAPE_WORDS = re.compile(
    r"\b(?:shapes?|sizes?|dimensions?|resolution|width|height)\b|\w\s*×\s*\w", re.I)


_TUPLE = re.compile(r"(?:torch\.size\(\[|[(\[])\s*\w+(?:\s*,\s*\w+)+\s*,?\s*[)\]]\)?", re.I)


def is_shape_card(question: str, answers: list[str]) -> bool:
    """Whether a tuple and a product are one answer on this card: the question asks for
    a shape or size, or an answer is written as one: a size (`7x7`, `h × d`, `h*d`) or a
    bracketed tuple (`(600, 400)`). Either spelling alone says so, so leaving the other
    out never changes how an answer is read; a bare list ("1, 4") is no shape."""
    return bool(_SHAPE_WORDS.search(question)) or any(
        _SIZE.fullmatch(" ".join(a.split())) or _TUPLE.fullmatch(a.strip()) for a in answers)
