"""`study content coverage`: cards (by type) and katas per track and topic, and what is short."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from study.models import Content

MIN_CARDS = 4
QUIZ_TYPES = ("mcq", "typed")


@dataclass
class TopicCoverage:
    track: str
    topic: str
    title: str
    cards: dict[str, int]
    katas: list[str]
    min_cards: int = MIN_CARDS
    missing_katas: list[str] = field(default_factory=list)  # named by the syllabus

    @property
    def total(self) -> int:
        return sum(self.cards.values())

    @property
    def quizzes(self) -> int:
        return sum(self.cards.get(t, 0) for t in QUIZ_TYPES)

    @property
    def problems(self) -> list[str]:
        out = []
        if self.total < self.min_cards:
            out.append(f"{self.total} card(s), needs {self.min_cards}")
        if self.quizzes < 1:
            out.append("no quiz card (mcq or typed)")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"track": self.track, "topic": self.topic, "title": self.title,
                "cards": self.cards, "total": self.total, "katas": self.katas,
                "missing_katas": self.missing_katas, "min_cards": self.min_cards,
                "short": bool(self.problems), "problems": self.problems}


def syllabus_requirements(path: Path) -> dict[str, dict[str, Any]]:
    """topic id -> {min_cards, katas} from a syllabus file (../shared/syllabus.yaml)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default = int(data.get("defaults", {}).get("min_cards", MIN_CARDS))
    out = {}
    for track in data.get("tracks", []):
        for topic in track.get("topics", []):
            out[topic["id"]] = {"min_cards": int(topic.get("min_cards", default)),
                                "katas": list(topic.get("katas", [])), "track": track["id"]}
    return out


def coverage(content: Content, syllabus: dict[str, dict[str, Any]] | None = None
             ) -> list[TopicCoverage]:
    by_topic: dict[str, Counter[str]] = {}
    for card in content.cards.values():
        by_topic.setdefault(card.topic, Counter())[card.type] += 1
    katas: dict[str, list[str]] = {}
    for kata in content.katas.values():
        for t in (kata.topic, *kata.also_topics):
            katas.setdefault(t, []).append(kata.id)
    rows = []
    for track in content.tracks.values():
        for tid in track.topics:
            topic = content.topics[tid]
            req = (syllabus or {}).get(tid, {})
            have = sorted(katas.get(tid, []))
            rows.append(TopicCoverage(
                track.id, tid, topic.title, dict(sorted(by_topic.get(tid, Counter()).items())),
                have, int(req.get("min_cards", MIN_CARDS)),
                [k for k in req.get("katas", []) if k not in content.katas]))
    missing = sorted(set(syllabus or {}) - set(content.topics))
    for tid in missing:  # a syllabus topic the curriculum lacks is short by definition
        req = (syllabus or {})[tid]
        rows.append(TopicCoverage(req["track"], tid, "(not in the curriculum)", {}, [],
                                  req["min_cards"], req["katas"]))
    return rows
