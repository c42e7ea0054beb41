"""`?`: the keys of the screen underneath, and the global ones."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close")]

    def __init__(self, below: Any) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self._text(), id="help")

    def _text(self) -> str:
        lines = [f"[b]Keys: {escape(type(self.below).__name__.removesuffix('Screen'))}[/]", ""]
        seen = set()
        for binding in getattr(self.below, "BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if self.below.check_action(binding.action, ()) is False:
                continue  # not offered here now (as the footer shows it)
            keys = binding.key_display or binding.key
            if (keys, binding.description) in seen:
                continue
            seen.add((keys, binding.description))
            lines.append(f"  [b]{escape(keys):<12}[/] {escape(binding.description)}")
        lines += [
            "",
            "[b]Everywhere[/]",
            "  [b]ctrl+p[/]       command palette (review, drill, browse, stats, settings)",
            "  [b]?[/]            these keys",
            "  [b]ctrl+q[/]       quit (every grade is already saved)",
            "",
            "[dim]Esc closes[/]",
        ]
        return "\n".join(lines)
