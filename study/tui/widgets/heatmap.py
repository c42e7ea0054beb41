"""A calendar heatmap of reviews per day: weeks as columns, weekdays as rows.

It draws as many weeks as fit its width (up to the days it was given), so a
narrow terminal shows the recent months instead of wrapping.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widget import Widget

# Five shades from "none" to "a lot", relative to the busiest day shown.
SHADES = ("#2d333b", "#0e4429", "#006d32", "#26a641", "#39d353")
LABEL = 4  # "Mo  " before the cells


class Heatmap(Widget):
    DEFAULT_CSS = "Heatmap { height: 10; }"

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.today: date | None = None
        self.counts: list[int] = []

    def show(self, today: date, counts: list[int]) -> None:
        """`counts`: reviews per day, oldest first, ending today."""
        self.today, self.counts = today, counts
        self.refresh()

    def render(self) -> Text:
        if self.today is None:
            return Text("")
        weeks = max(1, (self.content_size.width - LABEL - 1) // 2)  # room for "Mar"
        return render(self.today, self.counts, weeks)


def render(today: date, counts: list[int], weeks: int) -> Text:
    # Columns start on Mondays; the last column holds the current week.
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    first = today - timedelta(days=len(counts) - 1)
    by_day = {first + timedelta(days=i): n for i, n in enumerate(counts)}
    shown = [n for d, n in by_day.items() if d >= start]
    top = max(shown, default=0)
    text = Text()
    # Month names over the week in which each month starts (three letters fit: a
    # month is at least four columns wide).
    row = [" "] * (LABEL + 2 * weeks + 3)
    col, i = start, 0
    while col <= today:
        if col.day <= 7:
            row[LABEL + 2 * i: LABEL + 2 * i + 3] = col.strftime("%b")
        col += timedelta(days=7)
        i += 1
    text.append("".join(row).rstrip() + "\n", style="dim")
    for wd, name in enumerate(("Mo", "", "We", "", "Fr", "", "Su")):
        text.append(f"{name:<{LABEL}}", style="dim")
        d = start + timedelta(days=wd)
        while d <= today:
            n = by_day.get(d)
            if n is None:
                text.append("  ")
            else:
                level = 0 if n == 0 else 1 + min(3, int(4 * (n - 1) / max(1, top)))
                text.append("■ ", style=SHADES[level])
            d += timedelta(days=7)
        text.append("\n")
    text.append(" " * LABEL + "less ", style="dim")
    for shade in SHADES:
        text.append("■", style=shade)
    text.append(" more", style="dim")
    return text
