"""Settings: the ones people change, saved to the home's settings.toml."""

from __future__ import annotations

from dataclasses import replace

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from study.settings import SettingsError, save_settings

FIELDS = (
    ("new_per_day", "New cards per day", "integer"),
    ("new_katas_per_day", "New katas per day", "integer"),
    ("max_reviews_per_day", "Max reviews per day", "integer"),
    ("desired_retention", "Desired retention (0.70-0.99)", "number"),
    ("day_rollover_hour", "Day starts at hour (0-23)", "integer"),
)


class SettingsScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        s = self.app.study.settings  # type: ignore[attr-defined]
        with VerticalScroll(id="settings-box"):
            yield Static("[b]Settings[/] [dim](saved to settings.toml in your study home; "
                         "STUDY_* variables still override)[/]")
            with Grid(id="settings-grid"):
                for name, label, kind in FIELDS:
                    yield Label(label)
                    yield Input(str(getattr(s, name)), id=name, type=kind)
                yield Label("Kata device")
                yield Select([("auto", "auto"), ("cpu", "cpu"), ("cuda", "cuda")],
                             value=s.kata_device, allow_blank=False, id="kata_device")
                yield Label("Content directories (; between)")
                yield Input("; ".join(s.content_dirs), id="content_dirs",
                            placeholder="~/my-cards; ~/team-deck")
            yield Static("", id="settings-error")
            yield Button("Save", id="save", variant="primary")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def action_save(self) -> None:
        app = self.app
        study = app.study  # type: ignore[attr-defined]
        values: dict[str, object] = {}
        try:
            for name, label, kind in FIELDS:
                raw = self.query_one(f"#{name}", Input).value.strip()
                try:
                    values[name] = int(raw) if kind == "integer" else float(raw)
                except ValueError:
                    raise SettingsError(f"{label}: {raw!r} is not a number") from None
            values["kata_device"] = self.query_one("#kata_device", Select).value
            dirs = self.query_one("#content_dirs", Input).value
            values["content_dirs"] = [d.strip() for d in dirs.split(";") if d.strip()]
            new = replace(study.settings, **values)
            path = save_settings(study.home, new)
        except SettingsError as exc:
            self.query_one("#settings-error", Static).update(f"[b red]{escape(str(exc))}[/]")
            return
        self.query_one("#settings-error", Static).update("")
        app.notify(f"saved {path}")
        app.pop_screen()
        app.reopen(new)  # type: ignore[attr-defined]
