"""Cloze deletions: `{{c1::answer}}` or `{{c1::answer::hint}}`."""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN = re.compile(r"\{\{c(\d+)::")


@dataclass(frozen=True)
class Deletion:
    number: int
    answer: str
    hint: str
    start: int  # offset of "{{" in the text
    end: int  # offset just past "}}"


class ClozeError(ValueError):
    pass


def parse(text: str) -> tuple[list[Deletion], list[str]]:
    """All deletions and a list of problems (empty when the text is well formed)."""
    deletions: list[Deletion] = []
    problems: list[str] = []
    pos = 0
    while True:
        i = text.find("{{", pos)
        if i < 0:
            break
        m = _OPEN.match(text, i)
        if not m:
            snippet = text[i : i + 12].replace("\n", " ")
            problems.append(f"malformed cloze deletion {snippet!r}: expected '{{{{c1::...}}}}'")
            pos = i + 2
            continue
        number = int(m.group(1))
        j = text.find("}}", m.end())
        if j < 0:
            problems.append(f"cloze deletion '{{{{c{number}::' is never closed with '}}}}'")
            break
        inner = text[m.end() : j]
        if "{{" in inner:
            problems.append(f"cloze deletion c{number} contains another '{{{{' (no nesting)")
            pos = j + 2
            continue
        answer, _, hint = inner.partition("::")
        if number == 0:
            problems.append("cloze numbers start at c1, found c0")
        elif not answer.strip():
            problems.append(f"cloze deletion c{number} is empty")
        elif answer.replace("\\$", "").count("$") % 2:
            problems.append(f"cloze deletion c{number} ends inside math: '}}}}' always closes a "
                            "deletion, so write '} }' where LaTeX closes two braces")
        else:
            deletions.append(Deletion(number, answer, hint, i, j + 2))
        pos = j + 2
    if not deletions and not problems:
        problems.append("cloze text has no deletions (write {{c1::...}})")
    return deletions, problems


def numbers(deletions: list[Deletion]) -> list[int]:
    return sorted({d.number for d in deletions})


def render(text: str, active: int, reveal: bool, mark: tuple[str, str] = ("[", "]")) -> str:
    """The text with deletion `active` hidden (`[...]`/`[hint]`) or revealed; others shown."""
    deletions, _ = parse(text)
    out: list[str] = []
    pos = 0
    left, right = mark
    for d in deletions:
        out.append(text[pos : d.start])
        if d.number == active:
            if reveal:
                out.append(f"{left}{d.answer}{right}")
            else:
                out.append(f"{left}{d.hint or '...'}{right}")
        else:
            out.append(d.answer)
        pos = d.end
    out.append(text[pos:])
    return "".join(out)


def answers(text: str, active: int) -> list[str]:
    return [d.answer for d in parse(text)[0] if d.number == active]
