"""A card as terminal Markdown: front, back, choices; math shown in Unicode.

Headless (no Textual): the TUI puts these strings into Markdown widgets, line
mode (`review --plain`, `kata show`) prints them through `plain()`, and tests
can read them directly. One path for both, so they never disagree: fences are
cut to their language (`python run` -> python), math is Unicode.
"""

from __future__ import annotations

import re
from typing import Any

from study import cloze
from study.models import Card, Kata
from study.render import clean_fences


def math(text: str) -> str:
    """Card Markdown for a terminal: math in Unicode, fences without markers."""
    from study.mathtext import render_math

    return render_math(clean_fences(text))


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


def back(card: Card, item_id: str, mark: tuple[str, str] = ("**", "**")) -> str:
    """What the reveal adds: the answer, the explanation, the source. `mark`: around the
    revealed deletion (bold in the app; line mode adds brackets, as bold is not seen)."""
    parts: list[str] = []
    if card.type == "basic":
        parts.append(math(card.back))
    elif card.type == "cloze":
        parts.append(math(cloze.render(card.text, deletion(item_id), reveal=True, mark=mark)))
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


def kata_prompt(kata: Kata, title: bool = True) -> str:
    """The prompt with its signature; `title=False` where a bar already shows the title."""
    head = f"# {kata.title}\n\n" if title else ""
    return (f"{head}```python\n{kata.signature}\n```\n\n{math(kata.prompt)}\n\n"
            f"*Budget:* {kata.time_budget_min} min · *Source:* {kata.source}")


# -- line mode: the same Markdown as plain text ---------------------------------------------

_MD: Any = None


def _parser() -> Any:
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return _MD


def plain(markdown: str) -> str:
    """Markdown (as the functions above return it) as plain text for line mode and screen
    readers: no `**`, `#` or backticks; code indented by four; tables as aligned columns."""
    tokens = _parser().parse(markdown)
    out: list[str] = []
    lists: list[list[int]] = []  # per open list: [next number] (0: bullets)
    quote = 0
    row: list[str] = []
    table: list[list[str]] = []
    pending = ""  # a list item's marker, for its first line

    def emit(text: str) -> None:
        nonlocal pending
        indent = "  " * max(0, len(lists) - 1)
        prefix = "│ " * quote
        for n, line in enumerate(text.split("\n")):
            lead = pending if n == 0 else " " * len(pending)
            out.append(f"{prefix}{indent}{lead}{line}".rstrip())
        pending = ""

    for i, t in enumerate(tokens):
        kind = t.type
        if kind == "inline":
            text = _inline_plain(t.children or [])
            if row is not None and tokens[i - 1].type in ("th_open", "td_open"):
                row.append(text)
            else:
                emit(text)
        elif kind in ("paragraph_close", "heading_close", "fence", "code_block", "hr",
                      "table_close", "bullet_list_close", "ordered_list_close"):
            if kind in ("fence", "code_block"):
                emit("\n".join("    " + line for line in t.content.rstrip("\n").split("\n")))
            elif kind == "hr":
                emit("─" * 20)
            elif kind == "table_close":
                emit(_table(table))
                table = []
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            if not lists:  # a blank line between blocks; list items stay together
                out.append("")
        elif kind == "bullet_list_open":
            lists.append([0])
        elif kind == "ordered_list_open":
            lists.append([int(t.attrGet("start") or 1)])
        elif kind == "list_item_open":
            counter = lists[-1]
            if counter[0]:
                pending = f"{counter[0]}. "
                counter[0] += 1
            else:
                pending = "• "
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            table.append(row)
        elif kind == "html_block":
            emit(t.content.rstrip("\n"))
            out.append("")
    while out and not out[-1]:
        out.pop()
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def _inline_plain(children: list[Any]) -> str:
    parts: list[str] = []
    link: list[str] = []  # the href of each open link
    for c in children:
        kind = c.type
        if kind in ("text", "code_inline", "html_inline"):
            parts.append(c.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "link_open":
            link.append(str(c.attrGet("href") or ""))
        elif kind == "link_close":
            href = link.pop() if link else ""
            if href and not href.startswith("#"):
                parts.append(f" ({href})")
        elif kind == "image":
            parts.append(f"[image: {c.content or c.attrGet('src')}]")
    return "".join(parts)


def _table(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    from rich.cells import cell_len  # terminal columns: 中文 takes two each

    widths = [max(cell_len(r[i]) if i < len(r) else 0 for r in rows)
              for i in range(max(len(r) for r in rows))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(cell + " " * (widths[i] - cell_len(cell))
                               for i, cell in enumerate(r)).rstrip())
        if n == 0 and len(rows) > 1:
            lines.append("  ".join("─" * w for w in widths))
    return "\n".join(lines)


_MARKS = re.compile(r"\*\*|__|`+|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|^#+\s|\[([^\]]*)\]\([^)]*\)")


def plain_line(text: str, width: int) -> str:
    """One line of card text, as a list shows it: plain, math in Unicode, cut to `width`.
    Quick (a list has thousands): inline marks are dropped without a full Markdown parse."""
    if "$" in text:
        from study.mathtext import render_math

        text = render_math(text)
    flat = " ".join(_MARKS.sub(lambda m: m.group(1) or "", text).split())
    return flat if len(flat) <= width else flat[: max(0, width - 1)] + "…"
