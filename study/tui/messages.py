"""Messages: past tense, they report what happened.

The opening worker posts `StudyOpened` / `StudyFailed` to the app; the app
then sends `StudyReady` / `StudyUnavailable` to each screen on its stack.
These do not bubble: a screen's message must not come back to the app.
"""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from study.kata.result import CheckResult


class StudyOpened(Message):
    """The home, content and database are open."""


class StudyFailed(Message):
    def __init__(self, error: str, settings_file: Path | None = None) -> None:
        super().__init__()
        self.error = error
        self.settings_file = settings_file  # set when the settings file is what is broken


class StudyReady(Message, bubble=False):
    """Sent to each screen: `screen.study` can be used now (again, after settings)."""


class StudyUnavailable(Message, bubble=False):
    """Sent to each screen: the home could not be opened."""

    def __init__(self, error: str, settings_file: Path | None = None) -> None:
        super().__init__()
        self.error = error
        self.settings_file = settings_file


class KataChecked(Message):
    def __init__(self, kata_id: str, result: CheckResult, code: str) -> None:
        super().__init__()
        self.kata_id = kata_id
        self.result = result
        self.code = code


class KataCheckFailed(Message):
    def __init__(self, kata_id: str, error: str) -> None:
        super().__init__()
        self.kata_id = kata_id
        self.error = error
