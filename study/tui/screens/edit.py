"""The built-in editor for a file (a card's YAML, settings.toml): where `$EDITOR` cannot run."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea


class EditFileScreen(Screen[bool]):
    """Edit one file; ctrl+s writes it (atomically) and closes, Esc closes without saving."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),  # the text area would keep it
    ]

    def __init__(self, path: Path, line: int = 1) -> None:
        super().__init__()
        self.path = path
        self.line = line
        self.original = ""

    def compose(self) -> ComposeResult:
        yield Static(f"[b]{escape(str(self.path))}[/] · ctrl+s save · Esc cancel", id="edit-bar")
        language = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".py": "python"}
        editor = TextArea.code_editor("", id="file-editor", soft_wrap=False,
                                      show_line_numbers=True)
        wanted = language.get(self.path.suffix)
        if wanted in editor.available_languages:  # highlighting is a nicety, never required
            editor.language = wanted
        yield editor
        yield Footer()

    def on_mount(self) -> None:
        editor = self.query_one("#file-editor", TextArea)
        try:
            self.original = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.original = ""
        editor.load_text(self.original)
        editor.move_cursor((max(0, self.line - 1), 0), center=True)
        editor.focus()

    def action_save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(self.query_one("#file-editor", TextArea).text, encoding="utf-8")
            tmp.replace(self.path)  # a crash never leaves half a file
        except OSError as exc:
            self.app.notify(f"could not save {self.path}: {exc}", severity="error")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        if self.query_one("#file-editor", TextArea).text == self.original:
            self.dismiss(False)
            return
        from study.tui.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(ConfirmScreen("Discard your changes?", yes="Discard",
                                           no="Keep editing"), answered)
