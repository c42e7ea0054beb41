"""The bundled content: valid, covering the syllabus, the attention track complete."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml
from conftest import SHARED

from study.loader import load
from study.paths import bundled_root

RESULT = load([(bundled_root(), "bundled")])
CONTENT = RESULT.content


def test_bundled_content_has_no_problems() -> None:
    assert [str(p) for p in RESULT.problems] == []


def test_every_track_and_topic_has_titles_in_both_languages() -> None:
    for node in [*CONTENT.tracks.values(), *CONTENT.topics.values()]:
        assert node.title.strip() and node.title_zh.strip(), node.id


@pytest.mark.skipif(not (SHARED / "syllabus.yaml").exists(), reason="needs ../shared/syllabus.yaml")
def test_curriculum_covers_the_syllabus() -> None:
    syllabus = yaml.safe_load((SHARED / "syllabus.yaml").read_text())
    tracks = {t["id"] for t in syllabus["tracks"]}
    topics = {tp["id"] for t in syllabus["tracks"] for tp in t["topics"]}
    assert tracks <= set(CONTENT.tracks)
    missing = topics - set(CONTENT.topics)
    assert not missing, f"syllabus topics missing from content/curriculum.yaml: {missing}"
    for t in syllabus["tracks"]:
        for tp in t["topics"]:
            assert CONTENT.topics[tp["id"]].track == t["id"], tp["id"]


ATTENTION = [
    "attention-mechanism", "scaled-dot-product", "multi-head-attention", "self-attention",
    "positional-encoding", "transformer-encoder", "transformer-decoder", "bert", "gpt",
    "decoding-strategies", "t5", "vit", "swin",
]


def test_attention_track_is_complete() -> None:
    assert CONTENT.tracks["attention"].topics == ATTENTION
    per_topic = Counter(c.topic for c in CONTENT.cards.values())
    types = Counter(c.type for c in CONTENT.cards.values() if c.topic in ATTENTION)
    for topic in ATTENTION:
        assert per_topic[topic] >= 4, topic
        quiz = [c for c in CONTENT.cards.values()
                if c.topic == topic and c.type in ("mcq", "typed")]
        assert quiz, f"{topic} has no quiz card"
    assert set(types) == {"basic", "cloze", "mcq", "typed"}


def test_every_card_names_a_source_and_lives_in_its_track_folder() -> None:
    for card in CONTENT.cards.values():
        assert len(card.source.strip()) >= 6, card.id
        track = CONTENT.topics[card.topic].track
        assert card.ref is not None and card.ref.path.parent.name == track, card.id
