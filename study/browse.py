"""Browsing cards and katas: rows, an Anki-like search syntax, and an item's details.

Query syntax (terms are ANDed, case-insensitive):
    word "two words"          text of the card or kata
    tag:fsrs  track:cnn  topic:lstm
    is:new is:due is:learning is:review is:suspended is:leech is:buried is:kata is:card
    type:cloze (basic, cloze, mcq, typed, kata)
    -term                     negates any of the above
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from study import cloze
from study.clock import from_ms, to_ms
from study.errors import StudyError
from study.models import Card, Item, Kata
from study.scheduler import LEARNING, NEW, RELEARNING, REVIEW, STATE_NAMES, ItemState

STATES = ("new", "due", "learning", "review", "suspended", "leech", "buried", "card", "kata")


@dataclass(eq=False)
class Row:
    """One item of the list. Its title and search text are made when first read: opening
    Browse on a big home shows one page of titles, and only a text search reads them all."""

    item: Item
    type: str  # basic, cloze, mcq, typed, kata
    track: str
    tags: list[str]
    state: ItemState | None
    due_now: bool
    source: Card | Kata = field(repr=False)  # what the title and text come from

    @cached_property
    def title(self) -> str:
        """One line of the item's text."""
        src = self.source
        if isinstance(src, Kata):
            return _one_line(src.title)
        main = src.front or src.text or src.question
        if src.type == "cloze":  # the deletion this item asks for, in brackets
            number = int(self.item.id.rsplit("#c", 1)[1])
            main = f"{cloze.render(main, number, reveal=True)} (c{number})"
        return _one_line(main)

    @cached_property
    def text(self) -> str:
        """Everything searchable, lower case."""
        src = self.source
        if isinstance(src, Kata):
            return " ".join((src.id, src.title, src.prompt)).lower()
        main = src.front or src.text or src.question
        return " ".join((src.id, main, src.back, src.explain, " ".join(src.choices),
                         src.explanation, " ".join(src.answers), src.front_zh)).lower()

    @property
    def status(self) -> str:
        s = self.state
        label = "new" if s is None or s.state == NEW else STATE_NAMES[s.state]
        if s is not None and s.suspended:
            label = "suspended"
        elif s is not None and s.leech:
            label += " · leech"
        return label


@dataclass
class Query:
    include: list[tuple[str, str]] = field(default_factory=list)  # (field, value)
    exclude: list[tuple[str, str]] = field(default_factory=list)


class QueryError(StudyError, ValueError):
    pass


def parse_query(text: str) -> Query:
    try:
        parts = shlex.split(text)
    except ValueError as exc:  # an unclosed quote
        raise QueryError(f"search: {exc}") from None
    q = Query()
    for part in parts:
        neg = part.startswith("-") and len(part) > 1
        if neg:
            part = part[1:]
        key, sep, value = part.partition(":")
        if sep and key.lower() in ("tag", "track", "topic", "is", "type"):
            key = key.lower()
            if key == "is" and value.lower() not in STATES:
                raise QueryError(f"is:{value}? use one of: {', '.join(STATES)}")
            term = (key, value.lower())
        else:
            term = ("text", part.lower())
        (q.exclude if neg else q.include).append(term)
    return q


def _one_line(text: str, width: int = 120) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def rows(study: Any, now: datetime, items: list[Item] | None = None,
         states: dict[str, ItemState] | None = None) -> list[Row]:
    """Every item (or those of `items`) with its text, tags and state (loads the full
    content). `states`: every item's, if already read."""
    content = study.content
    if items is not None and states is None:  # a few: one by one
        states = {it.id: study.store.state(it.id, it.kind) for it in items}
    if items is None:
        items = study.items
    if states is None:
        states = study.store.states()
    now_ms = to_ms(now)
    end_ms = to_ms(study.days.day_start(study.days.day_of(now) + timedelta(days=1)))
    out = []
    topics = study.index.topics
    katas = study.index.katas
    for it in items:
        topic = topics.get(it.topic)
        track = topic.track if topic else ""
        source: Card | Kata
        if it.kind == "kata":
            source, typ = katas[it.id], "kata"
        else:
            card = content.card_for(it.id)
            if card is None:
                continue
            source, typ = card, card.type
        s = states.get(it.id)
        due_now = bool(
            s is not None and not s.suspended and s.state in (LEARNING, REVIEW, RELEARNING)
            and (s.due_ms or 0) < end_ms and (s.buried_until_ms or 0) <= now_ms
        )
        out.append(Row(it, typ, track, list(source.tags), s, due_now, source))
    return out


def _matches(row: Row, key: str, value: str, now_ms: int) -> bool:
    if key == "text":
        return value in row.text or value in row.item.id.lower()
    if key == "tag":
        return any(t.lower() == value or t.lower().startswith(value + "/") for t in row.tags)
    if key == "track":
        return row.track.lower() == value
    if key == "topic":
        return row.item.topic.lower() == value
    if key == "type":
        return row.type == value
    s = row.state
    return {
        "new": s is None or s.state == NEW,
        "due": row.due_now,
        "learning": s is not None and s.state in (LEARNING, RELEARNING),
        "review": s is not None and s.state == REVIEW,
        "suspended": s is not None and s.suspended,
        "leech": s is not None and s.leech,
        "buried": s is not None and (s.buried_until_ms or 0) > now_ms,
        "card": row.item.kind == "card",
        "kata": row.item.kind == "kata",
    }[value]


def search(all_rows: list[Row], query: Query, now: datetime) -> list[Row]:
    now_ms = to_ms(now)
    return [
        r for r in all_rows
        if all(_matches(r, k, v, now_ms) for k, v in query.include)
        and not any(_matches(r, k, v, now_ms) for k, v in query.exclude)
    ]


@dataclass
class Detail:
    item_id: str
    state: ItemState
    retrievability: float | None
    due: datetime | None
    history: list[tuple[datetime, str]]  # (when, what), oldest first


def detail(study: Any, item: Item, now: datetime) -> Detail:
    from study.scheduler import RATING_NAMES

    s = study.store.state(item.id, item.kind)
    r = study.srs.retrievability(s, now) if s.state != NEW and s.last_review_ms else None
    undone = set()
    events = study.store.history(item.id)
    for ev in events:
        if ev.event == "undo" and ev.undoes is not None:
            undone.add(ev.undoes)
    history = []
    for ev in events:
        if ev.event == "undo" or ev.id in undone:
            continue
        what = RATING_NAMES.get(ev.rating or 0, "?") if ev.event == "grade" else ev.event
        history.append((from_ms(ev.ts), what))
    return Detail(item.id, s, r, s.due(), history)
