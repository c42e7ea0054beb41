"""A yes/no question over the current screen (y or Enter: yes; n or Esc: no)."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape,q", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(f"{escape(self.question)}\n\n[b]y[/] {escape(self.yes)}   "
                         f"[b]n[/] {escape(self.no)}", id="confirm")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
