"""The reference solution of a kata, shown after an attempt (as `study kata solution`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown


class ReferenceScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f2", "app.pop_screen", "Close")]

    def __init__(self, title: str, code: str) -> None:
        super().__init__()
        self.title_text = title
        self.code = code

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="reference-box"):
            yield Markdown(f"## Reference: {self.title_text}\n\n```python\n{self.code}\n```\n\n"
                           "*Compare with yours; Esc closes.*", id="reference")
