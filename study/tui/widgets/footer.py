"""Textual's footer, rebuilt only when it must be.

Textual rebuilds the footer (a widget per key) whenever the focus moves: 30-50 ms
on a 2-core machine, the whole budget between a grade and the next card. A typed
card focuses its answer box, which hides the letter keys, and grading it gives
them back: here that hides and shows the keys already there, and the footer is
rebuilt only when a key it never had appears (or a label changes).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

Shown = tuple[tuple[object, ...], ...]


def shown_keys(screen: Screen[Any]) -> Shown:
    """What the footer draws for `screen`: every shown key, its label and whether it works."""
    app = screen.app
    return tuple(
        (key, binding.action, binding.description, app.get_key_display(binding), enabled,
         tooltip, binding.group)
        for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show or key == app.COMMAND_PALETTE_BINDING
    )


class Footer(TextualFooter):
    _built: Shown | None = None  # the keys the last rebuild drew
    _showing: Shown | None = None  # those of them shown now

    def compose(self) -> ComposeResult:
        if self.is_attached:
            # Textual draws the keys only after the screen's first frame, which costs a
            # second layout; the screen's keys are known now, so they come with the first.
            self.set_reactive(TextualFooter._bindings_ready, True)
            self._built = self._showing = shown_keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            self._built = self._showing = None  # rebuilt when next drawn
            super().bindings_changed(screen)
            return
        keys = shown_keys(screen)
        if keys == self._showing:
            return
        built = self._built
        if (built is not None and set(keys) <= set(built)
                and all(k[-1] is None for k in built)):  # grouped keys: Textual lays them out
            shown = {(k[0], k[1]) for k in keys}
            for widget in self.query(FooterKey):
                widget.display = (widget.key, widget.action) in shown
            self._showing = keys
            return
        self._showing = None
        super().bindings_changed(screen)
