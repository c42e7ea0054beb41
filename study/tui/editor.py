"""Open a file in the learner's `$EDITOR`; never leave the app suspended.

The editor runs with the app suspended (it owns the terminal while it runs).
An editor that is missing or fails is reported in one line, and the caller
falls back to the built-in editor: a card opens in `EditFileScreen`, a kata
stays in its own editor pane.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported


@dataclass(frozen=True)
class Edited:
    ok: bool
    error: str = ""  # one line: why the editor did not run (empty when ok)


def editor_command() -> list[str]:
    """`$VISUAL`, else `$EDITOR`, else vi (as git does)."""
    raw = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        return shlex.split(raw) or ["vi"]
    except ValueError:  # an unbalanced quote: take it as one word
        return [raw]


def edit_file(app: App[Any], path: str, line: int) -> Edited:
    """Run the editor at `line` of `path`; the app is resumed whatever happens."""
    command = editor_command()
    if shutil.which(command[0]) is None:
        # Checked before suspending: a missing editor never blanks the screen.
        return Edited(False, f"editor {command[0]!r} not found (set $EDITOR or $VISUAL)")
    argv = [*command, f"+{line}", path]
    try:
        with app.suspend():
            # Textual resumes only when the block ends normally: nothing may raise here.
            code, error = _call(argv)
    except SuspendNotSupported:
        if not app.is_headless:  # a web driver: no terminal to hand over
            return Edited(False, "this terminal cannot hand over to an editor")
        code, error = _call(argv, stdin=subprocess.DEVNULL)  # headless: scripted editors
    if error:
        return Edited(False, f"could not run {command[0]!r}: {error}")
    if code != 0:
        return Edited(False, f"{command[0]!r} exited with status {code}")
    return Edited(True)


def _call(argv: list[str], stdin: int | None = None) -> tuple[int, str]:
    try:
        return subprocess.call(argv, stdin=stdin), ""
    except OSError as exc:
        return -1, exc.strerror or str(exc)


def edit_then(app: App[Any], path: Path, line: int, after: Callable[[], None]) -> None:
    """Edit in `$EDITOR`; if it cannot run, say why and use the built-in editor instead.
    `after` runs once the file may have changed (not when the built-in one is cancelled)."""
    done = edit_file(app, str(path), line)
    if done.ok:
        after()
        return
    from study.tui.screens.edit import EditFileScreen

    app.notify(f"{done.error}; using the built-in editor", severity="warning", timeout=8)

    def closed(saved: bool | None) -> None:
        if saved:
            after()

    app.push_screen(EditFileScreen(path, line), closed)
