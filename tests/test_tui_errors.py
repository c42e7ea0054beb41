"""Damage met after the home was open: the app ends with the one line the command line
would print (exit 2), never a traceback; a bug still shows Textual's traceback."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from conftest import write_mini
from tui_helpers import running

from study.errors import StorageError


def _raiser(error: Exception):  # type: ignore[no-untyped-def]
    def boom() -> None:
        raise error

    return boom


@pytest.mark.parametrize(("error", "phrase"), [
    (sqlite3.DatabaseError("database disk image is malformed"), "study.db"),
    (OSError(28, "No space left on device"), "the disk is full"),
    (StorageError("the disk is full: nothing was saved"), "nothing was saved"),
])
async def test_damage_after_opening_is_one_line(tmp_path: Path, error: Exception,
                                                phrase: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = write_mini(tmp_path / "content")
    async with running(tmp_path / "home", root) as (app, _):
        app.call_later(_raiser(error))
        for _ in range(200):
            if app._exit:
                break
            await asyncio.sleep(0.02)
    assert app.return_code == 2
    text = " ".join(capsys.readouterr().err.split())  # printed as the app left, wrapped
    assert text.startswith("study: error: ") and phrase in text.replace("stud y", "study"), text
    assert "Traceback" not in text


async def test_a_bug_still_shows_its_traceback(tmp_path: Path) -> None:
    root = write_mini(tmp_path / "content")
    with pytest.raises(ZeroDivisionError):
        async with running(tmp_path / "home", root) as (app, _):
            app.call_later(_raiser(ZeroDivisionError("a bug")))
            for _ in range(200):
                await asyncio.sleep(0.02)
