"""One error hierarchy: every failure the user can cause or meet is a `StudyError`.

The command line prints `study: error: <message>` and exits with `exit_code`;
the app shows the same message. Anything else reaching the top is a bug.
"""

from __future__ import annotations

import errno


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


_ERRNO_WORDS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "no such file or directory",
    errno.ENOTDIR: "a path component is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.EIO: "input/output error (a failing disk?)",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ELOOP: "too many symbolic links",
}


def os_words(exc: OSError) -> str:
    """An OSError's cause in plain words."""
    if exc.errno in _ERRNO_WORDS:
        return _ERRNO_WORDS[exc.errno]
    return exc.strerror or str(exc) or type(exc).__name__


def from_os_error(exc: OSError, doing: str = "") -> StudyError:
    """One line for a failed file operation: what, where, and why in plain words."""
    where = exc.filename if exc.filename is not None else ""
    what = doing or "cannot use"
    text = f"{what} {where}: {os_words(exc)}" if where else f"{what}: {os_words(exc)}"
    cls = StorageError if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS,
                                        errno.EACCES, errno.EPERM) else StudyError
    return cls(text.replace("  ", " "))
