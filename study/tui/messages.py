"""Messages posted by workers: past tense, they report what happened."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class StudyOpened(Message):
    """The home, content and database are open; screens can fill in."""


class StudyFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class KataChecked(Message):
    def __init__(self, kata_id: str, result: dict[str, Any], code: str) -> None:
        super().__init__()
        self.kata_id = kata_id
        self.result = result
        self.code = code


class KataCheckFailed(Message):
    def __init__(self, kata_id: str, error: str) -> None:
        super().__init__()
        self.kata_id = kata_id
        self.error = error
