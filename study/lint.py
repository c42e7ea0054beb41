"""Warnings about cards that load but teach badly: patterns a second reading keeps finding.

`study content check` prints them as `file:line:col: warning: message`; they never
change its exit status (CI runs it), because each is a strong hint, not a certainty:

- a cloze whose hidden answer can be read off the text still shown with it;
- a question that leans on another card ("in that network", "as above");
- two glossary cards that share a term, a glossary term that none of its topic's
  own cards uses, a glossary row without both d2l-zh's term and the common one where
  they differ;
- a typed answer that another accepted answer already covers (`.75` beside `3/4`);
- a track whose MCQs put more than half their right answers at one position.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import yaml

from study import cloze, grading
from study.models import Card, Content, Problem
from study.yamlnodes import Reporter, compose_file, mapping_items

# Words too common to give an answer away on their own.
_STOP = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "each", "for", "from", "has", "have",
    "in", "into", "is", "it", "its", "not", "of", "on", "one", "or", "that", "the", "their",
    "then", "there", "this", "to", "two", "use", "used", "uses", "using", "was", "were", "when",
    "which", "with", "without",
))

_WHY = {
    "normalize": "by the card's normalize rules",
    "spelling": "a closing full stop, `$...$`, a leading 'the' and ignore_words never count",
    "number": "numbers compare as numbers",
    "operator spacing": "spacing around operators and ×, *, x or 'by' do not matter",
    "list": "a list's separators and brackets do not matter",
    "any order": "the card has any_order",
    "name": "a name from the question before the value (`k = 1`) never counts",
    "unit": "the unit or counted noun the question asks for may follow any answer",
}

# Terms where d2l-zh's choice differs from the one most Chinese readers know: a glossary
# gives d2l-zh's first and the common one beside it (docs/content-format.md).
_ZH_PAIRS = {
    "batch normalization": ("批量规范化", ("批归一化", "批量归一化")),
    "layer normalization": ("层规范化", ("层归一化",)),
    "dropout": ("暂退法", ("丢弃法",)),
    "pooling": ("汇聚", ("池化",)),
    "pooling layer": ("汇聚层", ("池化层",)),
    "token": ("词元", ("标记", "令牌", "词符")),
    "beam search": ("束搜索", ("集束搜索",)),
    "feature map": ("特征映射", ("特征图",)),
    "skip gram": ("跳元模型", ("跳字模型",)),
    "image augmentation": ("图像增广", ("数据增强", "图像增强")),
    "stride": ("步幅", ("步长",)),
    "teacher forcing": ("强制教学", ("教师强制",)),
}

# A glossary's "AdaGrad algorithm" is used by a card that says "AdaGrad".
_HEAD_NOUNS = frozenset((
    "algorithm", "method", "function", "loss", "model", "theorem", "operation", "library",
    "technique", "approach",
))

_CROSS_REF = re.compile(
    r"\b(?:in|from|for|of|with|on|to|by)\s+(?:that|those|the\s+same)\s+"
    r"(?:network|net|model|example|setup|setting|card|question|matrix|layer|figure|"
    r"architecture|equation|formula|scenario|experiment|problem|tensor)s?\b"
    r"|\b(?:the|this|that)\s+(?:previous|preceding|last|next|above|earlier|following|"
    r"other)\s+(?:card|question|example|exercise|network|model|problem)s?\b"
    r"|(?<!\bso\s)(?<!\bsuch\s)\bthat\s+(?:network|net|model|example|setup|"
    r"card|question|architecture|experiment|scenario)\b"
    r"|\bas\s+(?:before|above|earlier)\b|\b(?:see|from|in)\s+above\b"
    r"|\b(?:shown|defined|given|described|listed|mentioned|computed|derived|introduced)\s+"
    r"(?:above|earlier|before|in\s+the\s+(?:previous|last)\s+card)\b"
    r"|\b(?:the|these|those)\s+(?:\w+\s+)?(?:network|model|example|figure|equation|"
    r"numbers|values|setup|matrix|formula|definitions?|results?)\s+above\b",
    re.I,
)
_MATH_WRAPPERS = re.compile(
    r"\\(?:mathbf|boldsymbol|bm|mathrm|mathit|mathcal|operatorname|text|textbf|left|right|"
    r"big|Big|bigg|Bigg|displaystyle|dfrac|frac|tfrac)\b")


class _Locator:
    """Where each card's fields are in its file (composed once per file), so a warning
    points at the line of the deletion, answer or glossary row it is about."""

    def __init__(self) -> None:
        self.files: dict[Path, tuple[str, dict[str, dict]]] = {}

    def _file(self, path: Path) -> tuple[str, dict[str, dict]]:
        if path not in self.files:
            sink: list[Problem] = []
            root = compose_file(path, Reporter(path, sink))
            cards: dict[str, dict] = {}
            top = mapping_items(root, Reporter(path, sink), "") if root is not None else None
            if top and "cards" in top and isinstance(top["cards"][1], yaml.SequenceNode):
                for node in top["cards"][1].value:
                    items = mapping_items(node, Reporter(path, sink), "")
                    if items and "id" in items and isinstance(items["id"][1], yaml.ScalarNode):
                        cards[items["id"][1].value] = items
            self.files[path] = (path.read_text(encoding="utf-8"), cards)
        return self.files[path]

    def at(self, card: Card, key: str, needle: str = "", index: int | None = None
           ) -> tuple[str, int, int]:
        """file, line, col of `needle` inside the card's `key` (or of the key's value,
        or of its `index`-th entry), falling back to the card itself."""
        assert card.ref is not None
        path = card.ref.path
        fallback = (str(path), card.ref.line, card.ref.col)
        try:
            source, cards = self._file(Path(path))
        except OSError:
            return fallback
        items = cards.get(card.id)
        if not items or key not in items:
            return fallback
        node = items[key][1]
        if index is not None and isinstance(node, yaml.SequenceNode) and index < len(node.value):
            node = node.value[index]
        start, end = node.start_mark.index, node.end_mark.index
        offset = source.find(needle, start, end) if needle else -1
        if offset < 0:
            return str(path), node.start_mark.line + 1, node.start_mark.column + 1
        line = source.count("\n", 0, offset)
        col = offset - (source.rfind("\n", 0, offset) + 1)
        return str(path), line + 1, col + 1


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    # LaTeX styling is not a word; a command that names something (\\alpha, \\log) is.
    text = re.sub(r"\\([a-z]+)", r" \1 ", _MATH_WRAPPERS.sub(" ", text))
    return re.findall(r"[^\W_]+", text)


def _stem(word: str) -> str:
    """One form for a noun's singular and plural: sequence/sequences -> sequenc,
    trace/traces -> trac, bias/biases -> bias, box/boxes -> box, query/queries -> query."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "zes", "ches", "shes", "iases")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is", "ias")):
        word = word[:-1]
    # Both "trace" and "traces" lose the e: a plural's "es" is sometimes the stem's own e.
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


_STOP_STEMS = _STOP | {_stem(w) for w in _STOP}  # the words compared are stems


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def _skeleton(math: str) -> str:
    """Math with its styling and its indices dropped: `\\mathbf u_o^\\top` -> `u_^top`."""
    math = _MATH_WRAPPERS.sub("", math)
    math = re.sub(r"_\{[^{}]*\}|_\\?[A-Za-z0-9]+", "_", math)
    return re.sub(r"[\s{}$\\]", "", math)


# --- the checks ------------------------------------------------------------------------


def _cloze_giveaways(card: Card) -> Iterable[tuple[str, str]]:
    """(needle, message) for each deletion whose answer shows in the visible text."""
    deletions, problems = cloze.parse(card.text)
    if problems:
        return
    for number in sorted({d.number for d in deletions}):
        hidden = [d for d in deletions if d.number == number]
        visible, pos = [], 0
        for d in deletions:
            visible.append(card.text[pos:d.start])
            # A hidden deletion shows its hint (`{{c1::answer::hint}}`), which may give it away.
            visible.append(f" {d.hint or '…'} " if d.number == number else d.answer)
            pos = d.end
        visible.append(card.text[pos:])
        shown = "".join(visible)
        shown_words = [_stem(w) for w in _words(shown)]
        for d in hidden:
            words = [_stem(w) for w in _words(d.answer)]
            content = [w for w in words
                       if w not in _STOP_STEMS and len(w) >= (2 if w.isdigit() else 3)]
            needle = f"{{{{c{number}::"
            if content and _contains(shown_words, words):
                yield needle, (f"cloze c{number}: its answer {d.answer.strip()!r} is also "
                               "in the text shown with it")
                continue
            if re.match(r"\s*\((?:or|not)\s", card.text[d.end:]):
                # "{{c1::vanishes}} (or explodes)": the alternative names the answer.
                yield needle, (f"cloze c{number}: the parenthesis right after it names the "
                               f"alternative, which gives {d.answer.strip()!r} away")
                continue
            skeleton = _skeleton(d.answer)
            if len(skeleton) >= 5 and "\\" in d.answer and skeleton in _skeleton(shown):
                yield needle, (f"cloze c{number}: its answer {d.answer.strip()!r} can be read "
                               "off the math shown with it (the same up to its indices)")


def _visible_texts(card: Card) -> list[tuple[str, str]]:
    """(field, text) a learner reads before answering."""
    if card.type == "cloze":
        deletions, _ = cloze.parse(card.text)
        text = card.text
        for d in reversed(deletions):
            text = text[:d.start] + d.answer + text[d.end:]
        return [("text", text)]
    if card.type == "basic":
        return [("front", card.front)]
    return [("question", card.question)]


def _glossary_rows(card: Card) -> list[tuple[str, str]]:
    """(English, 中文) cells of each row of a glossary table."""
    out = []
    for line in card.back.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0] or set(cells[0]) <= set("-: ") \
                or cells[0].casefold() == "english":
            continue
        out.append((cells[0], cells[1]))
    return out


def _zh_pair_problem(english: list[str], chinese: str) -> str | None:
    for spelling in english:
        key = " ".join(_words(spelling.replace("-", " ")))
        if key not in _ZH_PAIRS and key.endswith("s") and key[:-1] in _ZH_PAIRS:
            key = key[:-1]
        if key not in _ZH_PAIRS:
            continue
        d2l, common = _ZH_PAIRS[key]
        # One may contain the other (束搜索 in 集束搜索): blank each out to find the other.
        found = [c for c in common if c in chinese]
        rest = chinese
        for c in common:
            rest = rest.replace(c, "\0" * len(c))
        if d2l not in rest or not found:
            return (f"d2l-zh says {d2l} where most readers know {common[0]}: write "
                    f"'{d2l} / {common[0]}'")
        if rest.index(d2l) > chinese.index(found[0]):
            return f"d2l-zh's {d2l} comes first, then {found[0]}"
    return None


def _glossary_terms(card: Card) -> list[tuple[str, list[str], list[str], str]]:
    """(English cell, its spellings, looser forms that count as a use, 中文 cell) of each
    row of a glossary table. The looser forms (initials, the term without its head noun)
    only show a card uses the term: two different terms may share them."""
    out = []
    for english, chinese in _glossary_rows(card):
        term = english.strip("*_` ")
        spellings = [re.sub(r"\([^)]*\)", " ", term)] + re.findall(r"\(([^)]*)\)", term)
        spellings = [s.strip() for part in spellings for s in re.split(r"[/;,]| or ", part)]
        spellings = [s for s in spellings if s]
        looser = []
        for s in spellings:
            words = s.replace("-", " ").split()
            if len(words) >= 3 and all(w.isalpha() for w in words):
                looser.append("".join(w[0] for w in words))  # recurrent neural network -> RNN
            if len(words) >= 2 and words[-1].casefold() in _HEAD_NOUNS:
                # "AdaGrad algorithm" -> "AdaGrad"; as a use only: "value function" and
                # "value" are never one term for the shared-term check.
                looser.append(" ".join(words[:-1]))
        out.append((english, spellings, looser, chinese))
    return out


def _card_words(card: Card) -> list[str]:
    parts = [card.front, card.back, card.text, card.question, card.explain, card.explanation,
             *card.choices, *card.answers]
    return [_stem(w) for w in _words(" ".join(p for p in parts if p).replace("-", " "))]


# A track needs this many MCQ right answers before a favourite position means anything.
_BIAS_MIN = 6


def _position_bias(cards: list[Card], content: Content, where: _Locator) -> list[Problem]:
    """One warning per track whose MCQs put more than half their right answers at one
    position: a learner soon learns "it is usually (a)" instead of the material."""
    by_track: dict[str, list[Card]] = {}
    for card in cards:
        topic = content.topics.get(card.topic)
        if card.type == "mcq" and topic is not None:
            by_track.setdefault(topic.track, []).append(card)
    out = []
    for track, mcqs in sorted(by_track.items()):
        counts = Counter(i for c in mcqs for i in c.answer)
        total = sum(counts.values())
        if total < _BIAS_MIN:
            continue
        position, n = counts.most_common(1)[0]
        if 2 * n <= total:
            continue
        first = min((c for c in mcqs if position in c.answer), key=lambda c: c.order)
        path, line, col = where.at(first, "answer")
        spread = ", ".join(f"{chr(97 + i)}: {counts[i]}" for i in sorted(counts))
        out.append(Problem(path, line, col, (
            f"track {track!r}: {n} of its {total} MCQ right answers are choice "
            f"{chr(97 + position)} ({spread}); a learner learns the position, not the "
            "material: reorder choices so right answers spread over the positions")))
    return out


def lint(content: Content, only: list[Path] | None = None) -> list[Problem]:
    """Warnings for `content`'s cards; with `only`, for cards in files under those paths."""
    where = _Locator()
    out: list[Problem] = []

    def mine(card: Card) -> bool:
        if card.ref is None:
            return False
        return only is None or any(Path(card.ref.path).resolve().is_relative_to(p)
                                   for p in only)

    def warn(card: Card, key: str, message: str, needle: str = "",
             index: int | None = None) -> None:
        path, line, col = where.at(card, key, needle, index)
        out.append(Problem(path, line, col, message))

    cards = [c for c in content.cards.values() if mine(c)]
    for card in cards:
        if card.type == "cloze":
            for needle, message in _cloze_giveaways(card):
                warn(card, "text", message, needle)
        for key, text in _visible_texts(card):
            m = _CROSS_REF.search(text)
            if m:
                warn(card, key, f"{key} refers to another card ({m.group(0)!r}); each card "
                     "must stand alone, so name what it means", m.group(0))
        if card.type == "typed":
            # The grader itself says so, on the card without the answer: lint and grader agree.
            for i, accepted, rule in grading.redundant(card):
                warn(card, "answers", f"answer {card.answers[i]!r} is already accepted as "
                     f"{accepted!r} ({_WHY.get(rule, rule)}); leave it out", index=i)

    out.extend(_position_bias(cards, content, where))

    # Glossaries: across all content, since a user's glossary may repeat a bundled one.
    glossaries = [c for c in content.cards.values() if "glossary" in c.tags and c.back]
    seen: dict[str, Card] = {}
    by_topic: dict[str, list[Card]] = {}
    for card in content.cards.values():
        if "glossary" not in card.tags:
            by_topic.setdefault(card.topic, []).append(card)
    topic_words = {t: [_card_words(c) for c in cs] for t, cs in by_topic.items()}
    for card in sorted(glossaries, key=lambda c: c.order):
        for term, spellings, looser, chinese in _glossary_terms(card):
            problem = _zh_pair_problem(spellings, chinese)
            if problem and mine(card):
                warn(card, "back", f"glossary term {term!r}: {problem}", term)
            keys = [" ".join(_stem(w) for w in _words(s)) for s in spellings]
            first = next((seen[k] for k in keys if k in seen and seen[k].id != card.id), None)
            if first is not None and mine(card):
                warn(card, "back", f"glossary term {term!r} is also in {first.id!r} "
                     f"({first.ref}); a term belongs to one topic's glossary", term)
            for k in keys:
                seen.setdefault(k, card)
            used = any(_contains(words, [_stem(w) for w in _words(s.replace("-", " "))])
                       for s in spellings + looser for words in topic_words.get(card.topic, []))
            if not used and mine(card):
                warn(card, "back", f"glossary term {term!r} is used by no other card of "
                     f"topic {card.topic!r}; a glossary holds the topic's own terms", term)
    out.sort()
    return out
