"""A calendar heatmap of reviews per day: weeks as columns, weekdays as rows."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widgets import Static

# Five shades from "none" to "a lot", relative to the busiest day shown.
SHADES = ("#2d333b", "#0e4429", "#006d32", "#26a641", "#39d353")


class Heatmap(Static):
    def show(self, today: date, counts: list[int], weeks: int) -> None:
        """`counts`: reviews per day, oldest first, ending today (7 * weeks days)."""
        self.update(render(today, counts, weeks))


def render(today: date, counts: list[int], weeks: int) -> Text:
    days = len(counts)
    first = today - timedelta(days=days - 1)
    # Align columns on Mondays: the first column starts at the Monday on or before `first`.
    start = first - timedelta(days=first.weekday())
    top = max(counts, default=0)
    by_day = {first + timedelta(days=i): n for i, n in enumerate(counts)}
    text = Text()
    month_row = "    "
    col = start
    while col <= today:
        month_row += col.strftime("%b")[:2] if col.day <= 7 else "  "
        col += timedelta(days=7)
    text.append(month_row.rstrip() + "\n", style="dim")
    for wd, name in enumerate(("Mo", "", "We", "", "Fr", "", "Su")):
        text.append(f"{name:<3} ", style="dim")
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
    text.append("    less ", style="dim")
    for shade in SHADES:
        text.append("■", style=shade)
    text.append(" more", style="dim")
    return text
