"""Settings: the ones people change, saved to the home's settings.toml."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static

from study.settings import Settings, SettingsError, save_settings
from study.tui.screens.base import StudyScreen

FIELDS: tuple[tuple[str, str, Literal["integer", "number"]], ...] = (
    ("new_per_day", "New cards per day", "integer"),
    ("new_katas_per_day", "New katas per day", "integer"),
    ("max_reviews_per_day", "Max reviews per day", "integer"),
    ("desired_retention", "Desired retention (0.70-0.99)", "number"),
    ("day_rollover_hour", "Day starts at hour (0-23)", "integer"),
)


class SettingsScreen(StudyScreen[None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, broken: Path | None = None) -> None:
        super().__init__()
        self.broken = broken  # the settings file that could not be read: start from defaults

    def _current(self) -> Settings:
        return Settings() if self.broken is not None else self.study.settings

    def compose(self) -> ComposeResult:
        s = self._current()
        with VerticalScroll(id="settings-box"):
            yield Static("[b]Settings[/] [dim](saved to settings.toml in your study home; "
                         "STUDY_* variables still override)[/]")
            if self.broken is not None:
                yield Static(f"[b yellow]{escape(str(self.broken))} could not be read[/]: these "
                             "are the defaults. Saving keeps the old file as "
                             f"{escape(self.broken.name)}.bak.", id="settings-broken")
            with Grid(id="settings-grid"):
                for name, label, kind in FIELDS:
                    yield Label(label)
                    yield Input(str(getattr(s, name)), id=name, type=kind)
                yield Label("Kata device")
                yield Select([("auto", "auto"), ("cpu", "cpu"), ("cuda", "cuda")],
                             value=s.kata_device, allow_blank=False, id="kata_device")
                yield Label("Katas before the cards")
                yield Checkbox("interview practice first", s.kata_first, id="kata_first")
                yield Label("Content directories (; between)")
                yield Input("; ".join(s.content_dirs), id="content_dirs",
                            placeholder="~/my-cards; ~/team-deck")
            yield Static("", id="settings-error")
            yield Button("Save", id="save", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        # Typing goes to the first field at once, as in any form.
        self.query_one(f"#{FIELDS[0][0]}", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def action_save(self) -> None:
        app = self.study_app
        values: dict[str, Any] = {}
        try:
            for name, label, kind in FIELDS:
                raw = self.query_one(f"#{name}", Input).value.strip()
                try:
                    values[name] = int(raw) if kind == "integer" else float(raw)
                except ValueError:
                    raise SettingsError(f"{label}: {raw!r} is not a number") from None
            values["kata_device"] = self.query_one("#kata_device", Select).value
            values["kata_first"] = self.query_one("#kata_first", Checkbox).value
            dirs = self.query_one("#content_dirs", Input).value
            values["content_dirs"] = [d.strip() for d in dirs.split(";") if d.strip()]
            new = replace(self._current(), **values)
            new.validate()
            if self.broken is not None:  # the unreadable file is kept, never lost
                self.broken.replace(self.broken.with_name(self.broken.name + ".bak"))
                path = save_settings(self.broken.parent, new)
            else:
                path = save_settings(self.study.home, new)
        except (SettingsError, OSError) as exc:
            self.query_one("#settings-error", Static).update(f"[b red]{escape(str(exc))}[/]")
            return
        self.query_one("#settings-error", Static).update("")
        app.notify(f"saved {path}")
        app.pop_screen()
        # Tests inject settings; the real app reads the file it just wrote.
        app.reopen(new if self.broken is None else None)
