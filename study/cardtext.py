"""A card as terminal Markdown: front, back, choices; math shown in Unicode.

Headless (no Textual): the TUI puts these strings into Markdown widgets, and
tests can read them directly.
"""

from __future__ import annotations

from study import cloze
from study.models import Card, Kata


def math(text: str) -> str:
    from study.mathtext import render_math

    return render_math(text)


def deletion(item_id: str) -> int:
    return int(item_id.rsplit("#c", 1)[1])


def front(card: Card, item_id: str) -> str:
    text = _front(card, item_id)
    return f"{text}\n\n*{math(card.front_zh)}*" if card.front_zh else text


def _front(card: Card, item_id: str) -> str:
    if card.type == "cloze":
        # The active deletion stands out; the others read as plain text.
        return math(cloze.render(card.text, deletion(item_id), reveal=False, mark=("**[", "]**")))
    if card.type == "basic":
        return math(card.front)
    return math(card.question)


def choices(card: Card, picked: list[int] | None = None, revealed: bool = False) -> str:
    """The mcq choices as a list, numbered for the keys; marks after the answer."""
    lines = []
    for i, choice in enumerate(card.choices):
        mark = ""
        if revealed:
            right = i in card.answer
            chosen = picked is not None and i in picked
            mark = " ✓" if right else (" ✗" if chosen else "")
            if chosen:
                mark += " (your pick)"
        elif picked and i in picked:
            mark = " ◀"
        lines.append(f"{i + 1}. {math(choice)}{mark}")
    return "\n".join(lines)


def back(card: Card, item_id: str) -> str:
    """What the reveal adds: the answer, the explanation, the source."""
    parts: list[str] = []
    if card.type == "basic":
        parts.append(math(card.back))
    elif card.type == "cloze":
        parts.append(math(cloze.render(card.text, deletion(item_id), reveal=True,
                                       mark=("**", "**"))))
        if card.back:
            parts.append(math(card.back))
    elif card.type == "mcq":
        if card.explanation:
            parts.append(math(card.explanation))
    elif card.type == "typed":
        parts.append("Accepted: " + " · ".join(f"`{a}`" for a in card.answers))
    if card.back_zh:
        parts.append(math(card.back_zh))
    if card.explain:  # may hold code blocks: a heading line of its own, never inline
        parts.append(f"**Why**\n\n{math(card.explain)}")
    parts.append(f"*Source:* {card.source}")
    return "\n\n".join(p for p in parts if p.strip())


def kata_prompt(kata: Kata) -> str:
    return (f"# {kata.title}\n\n```python\n{kata.signature}\n```\n\n{math(kata.prompt)}\n\n"
            f"*Budget:* {kata.time_budget_min} min · *Source:* {kata.source}")
