"""One error hierarchy: every failure the user can cause or meet is a `StudyError`.

The command line prints `study: error: <message>` and exits with `exit_code`;
the app shows the same message. Anything else reaching the top is a bug.
"""

from __future__ import annotations


class StudyError(Exception):
    """A failure explained in one line; `exit_code` is what the command returns."""

    exit_code: int = 2

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(StudyError):
    """A problem with what the user asked for (arguments, files named on the line)."""


class SettingsError(StudyError, ValueError):
    """settings.toml or a STUDY_* variable holds something invalid."""


class ClockError(StudyError, ValueError):
    """STUDY_NOW or a time zone that cannot be used."""


class StoreError(StudyError):
    """The review database refused an operation."""


class SchemaError(StoreError):
    """The database was written by a newer study."""


class DatabaseDamaged(StoreError):
    """The database is empty, truncated or corrupt: restore a backup."""


class StorageError(StoreError):
    """The disk is full, read-only or not ours: nothing was saved."""


class ExchangeError(StudyError):
    """A file that is not a valid study export, or a home that is not empty."""
