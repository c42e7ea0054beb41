"""Plain data classes for loaded content. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

CARD_TYPES = ("basic", "cloze", "mcq", "typed")


@dataclass(frozen=True)
class SourceRef:
    """Where something was defined: for error messages and `e` (edit) in the UI."""

    path: Path
    line: int  # 1-based
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass
class Topic:
    id: str
    title: str
    title_zh: str
    track: str
    prerequisites: list[str]
    order: int  # position in the whole curriculum, 0-based
    description: str = ""
    ref: SourceRef | None = None


@dataclass
class Track:
    id: str
    title: str
    title_zh: str
    order: int
    topics: list[str] = field(default_factory=list)
    description: str = ""
    ref: SourceRef | None = None


@dataclass
class Card:
    id: str
    type: str
    topic: str
    tags: list[str]
    source: str
    explain: str = ""
    front: str = ""  # basic
    back: str = ""  # basic; extra text for cloze
    text: str = ""  # cloze
    question: str = ""  # mcq, typed
    choices: list[str] = field(default_factory=list)
    answer: list[int] = field(default_factory=list)  # mcq: right indices, 0-based
    explanation: str = ""
    answers: list[str] = field(default_factory=list)  # typed
    normalize: list[str] = field(default_factory=lambda: ["case", "whitespace"])
    any_order: bool = False  # typed: a list whose items may come in any order
    # Typed: words one may add or omit. A tuple, so a Card pickled by an older version
    # (the content cache) still reads the class default.
    ignore_words: tuple[str, ...] = ()
    front_zh: str = ""
    back_zh: str = ""
    ref: SourceRef | None = None
    order: int = 0  # load order (files sorted by path, cards in file order)
    deletions: list[int] = field(default_factory=list)  # cloze numbers, sorted


@dataclass
class Kata:
    id: str
    title: str
    topic: str
    difficulty: int
    function: str
    signature: str
    prompt: str
    hints: list[str]
    source: str
    also_topics: list[str] = field(default_factory=list)
    time_budget_min: int = 20
    timeout_s: float = 20.0
    banned: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=lambda: ["cpu", "cuda"])
    tags: list[str] = field(default_factory=list)
    folder: Path | None = None
    ref: SourceRef | None = None


@dataclass
class Tickable:
    """A plan's project, paper or milestone check: ticked by hand (with a note and a date),
    a check also by evidence: its topics studied with good recall, its katas passed."""

    id: str
    title: str
    title_zh: str = ""
    stars: int = 0  # papers: how strongly the plan asks to read it (1-5)
    topics: list[str] = field(default_factory=list)
    katas: list[str] = field(default_factory=list)


@dataclass
class Stretch:
    """A dated stretch of a plan (a phase, a week, some days): days are 1-based, inclusive."""

    id: str
    title: str
    title_zh: str
    first_day: int
    last_day: int
    topics: list[str] = field(default_factory=list)
    projects: list[Tickable] = field(default_factory=list)
    papers: list[Tickable] = field(default_factory=list)


@dataclass
class Milestone:
    id: str
    title: str
    title_zh: str
    after_day: int  # checked once this many days of the plan are over
    checks: list[Tickable] = field(default_factory=list)


@dataclass
class StudyPlan:
    id: str
    title: str
    title_zh: str = ""
    pace: str = ""
    source: str = ""
    stretches: list[Stretch] = field(default_factory=list)
    papers: list[Tickable] = field(default_factory=list)  # plan-wide reading
    milestones: list[Milestone] = field(default_factory=list)
    ref: SourceRef | None = None

    @property
    def days(self) -> int:
        """The plan's length: its last stretch or milestone, whichever ends later."""
        return max([s.last_day for s in self.stretches] + [m.after_day for m in self.milestones]
                   + [1])

    def topics(self) -> list[str]:
        out: list[str] = []
        for s in self.stretches:
            out += [t for t in s.topics if t not in out]
        return out


@dataclass(frozen=True, order=True)
class Problem:
    """A content problem, printed as `file:line:col: message`."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class Item(NamedTuple):
    """One reviewable unit: a card (a cloze deletion counts alone) or a kata.

    A NamedTuple, not a dataclass: a home has tens of thousands and they are
    built on every start.
    """

    id: str  # card id, `card-id#cN` for a cloze deletion, or kata id
    kind: str  # "card" or "kata"
    note_id: str  # the card or kata id; cloze siblings share it
    topic: str
    order: tuple[int, int, int]  # curriculum position: topic order, card order, deletion


def cloze_item_id(card_id: str, number: int) -> str:
    return f"{card_id}#c{number}"


def note_of(item_id: str) -> str:
    return item_id.split("#", 1)[0]


@dataclass
class Content:
    tracks: dict[str, Track] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)
    katas: dict[str, Kata] = field(default_factory=dict)
    plans: dict[str, StudyPlan] = field(default_factory=dict)

    def items(self) -> list[Item]:
        """Every reviewable item in curriculum order."""
        out: list[Item] = []
        for card in self.cards.values():
            topic = self.topics.get(card.topic)
            t_order = topic.order if topic else 1 << 30
            if card.type == "cloze":
                for n in card.deletions:
                    out.append(
                        Item(cloze_item_id(card.id, n), "card", card.id, card.topic,
                             (t_order, card.order, n))
                    )
            else:
                out.append(Item(card.id, "card", card.id, card.topic, (t_order, card.order, 0)))
        for i, kata in enumerate(self.katas.values()):
            topic = self.topics.get(kata.topic)
            t_order = topic.order if topic else 1 << 30
            out.append(Item(kata.id, "kata", kata.id, kata.topic, (t_order, i, 0)))
        out.sort(key=lambda it: it.order)
        return out

    def card_for(self, item_id: str) -> Card | None:
        return self.cards.get(note_of(item_id))


@dataclass
class ContentIndex:
    """What planning needs, without the card texts: small and quick to load."""

    tracks: dict[str, Track]
    topics: dict[str, Topic]
    katas: dict[str, Kata]
    items: list[Item]
    plans: dict[str, StudyPlan] = field(default_factory=dict)

    @classmethod
    def of(cls, content: Content) -> ContentIndex:
        return cls(content.tracks, content.topics, content.katas, content.items(),
                   content.plans)
