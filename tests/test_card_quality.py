"""The bundled cards: every syllabus topic covered, snippets true, no duplicates, glossaries."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import pytest
from conftest import SHARED

from study.coverage import coverage, syllabus_requirements
from study.loader import load
from study.models import Card
from study.paths import bundled_root

CONTENT = load([(bundled_root(), "bundled")]).content
RUN_BLOCK = re.compile(r"^```python run[ \t]*\n(.*?)^```", re.S | re.M)
TEXT_FIELDS = ("front", "back", "text", "question", "explain", "explanation")


def _texts(card: Card) -> list[str]:
    return [getattr(card, f) for f in TEXT_FIELDS if getattr(card, f)] + list(card.choices)


SNIPPETS = [(card.id, i, code) for card in CONTENT.cards.values()
            for text in _texts(card) for i, code in enumerate(RUN_BLOCK.findall(text))]


@pytest.mark.skipif(not (SHARED / "syllabus.yaml").exists(), reason="needs ../shared/syllabus.yaml")
def test_every_syllabus_topic_has_its_cards() -> None:
    rows = coverage(CONTENT, syllabus_requirements(SHARED / "syllabus.yaml"))
    short = {r.topic: r.problems for r in rows if r.problems}
    assert not short, f"{len(short)} topic(s) short: {dict(list(short.items())[:8])}"


@pytest.mark.parametrize(("card_id", "index", "code"), SNIPPETS,
                         ids=[f"{c}#{i}" for c, i, _ in SNIPPETS])
def test_runnable_snippets_run(card_id: str, index: int, code: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    # Fixed seeds: a snippet's random inputs are the same on every run, so a tolerance
    # that fails on one draw in a thousand fails here always or never, not in CI at random.
    # (The snippets were also run under 200 seeds each to find such tolerances.)
    import random

    import numpy as np
    import torch

    random.seed(index)
    np.random.seed(index)
    torch.manual_seed(index)
    exec(compile(code, f"<{card_id} snippet {index}>", "exec"), {"__name__": "__snippet__"})


def test_there_are_runnable_snippets() -> None:
    assert len(SNIPPETS) >= 20


def _key(card: Card) -> str:
    text = card.front or card.question or re.sub(r"\{\{c\d+::(.*?)(::.*?)?\}\}", r"\1", card.text)
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def test_no_near_duplicate_fronts_across_topics() -> None:
    cards = [c for c in CONTENT.cards.values() if "glossary" not in c.tags]
    grams = {c.id: {tuple(w[i:i + 2]) for w in [_key(c).split()] for i in range(len(w) - 1)}
             for c in cards}
    dupes = []
    by_first: dict[tuple, list[Card]] = defaultdict(list)
    for c in cards:
        for g in grams[c.id]:
            by_first[g].append(c)
    seen = set()
    for group in by_first.values():
        if len(group) > 40:
            continue  # a common phrase ("what is"): not evidence on its own
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                pair = tuple(sorted((a.id, b.id)))
                if pair in seen or a.topic == b.topic:
                    continue
                seen.add(pair)
                ga, gb = grams[a.id], grams[b.id]
                if len(ga) >= 3 and len(ga & gb) / len(ga | gb) >= 0.8:
                    dupes.append(pair)
    assert not dupes, f"near-duplicate fronts: {dupes[:10]}"


GLOSSARIES = [c for c in CONTENT.cards.values() if "glossary" in c.tags]


def test_glossary_cards_keep_the_format_one_per_topic_at_most() -> None:
    # A glossary only where a topic has terms of its own (docs/content-format.md): no
    # longer one per topic, but never two, and each row English | 中文.
    per_topic: dict[str, list[str]] = defaultdict(list)
    for c in GLOSSARIES:
        per_topic[c.topic].append(c.id)
    assert not {t: ids for t, ids in per_topic.items() if len(ids) > 1}
    bad = []
    for c in GLOSSARIES:
        rows = [r for r in c.back.splitlines() if r.strip().startswith("|")][2:]
        if not (c.id.endswith("-glossary") and c.type == "basic"
                and c.front.startswith("Key terms: ") and 2 <= len(rows) <= 4
                and all(re.search(r"[\u4e00-\u9fff]", r.split("|")[2]) for r in rows)):
            bad.append(c.id)
    assert not bad, f"glossary cards not in the documented format: {bad}"


def test_glossary_terms_are_the_topics_own() -> None:
    # Each term used by its topic's other cards, in no other glossary, and given in
    # d2l-zh's words with the common ones beside them where they differ (study/lint.py).
    from study.lint import lint

    found = [w for w in lint(CONTENT) if "glossary term" in w.message]
    assert GLOSSARIES and not found, f"{len(found)} glossary warning(s): " + "; ".join(
        f"{w.path.rsplit('/', 1)[-1]}:{w.line} {w.message.split(';')[0]}" for w in found[:12])


def test_every_source_is_specific() -> None:
    # A d2l section, a paper (its year), documentation, a named course's notes (CS231n),
    # or the data set a counted fact comes from (Kaggle's Titanic train.csv).
    pattern = re.compile(r"d2l|\b(19|20)\d\d\b|docs|documentation|manual|user guide|"
                         r"course notes|tutorial|kaggle|dataset", re.I)
    vague = [c.id for c in CONTENT.cards.values() if not pattern.search(c.source)]
    assert not vague, f"sources that name no d2l section, paper year or docs page: {vague[:10]}"
