"""Today's counts, worked out in a second process while the app starts.

The app's first frame is mostly Textual's own start (its imports, the terminal: about
250 ms on a 2-core machine), and today's counts need about 100 ms of study's (its
imports, the home, the plan). Both hold the GIL, so a thread would queue one behind
the other; a process forked before Textual is imported works them out side by side,
and the counts are ready for the first frame. The child only reads (the database opened
read-only, nothing created or migrated); the app still opens the home itself (backup,
sync, migrations) and its own plan replaces the preview (the same counts, unless a sync
brought reviews from another device).

Also the dashboard's "Today" box as text: the preview and the app draw it the same way.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import time
from datetime import date
from pathlib import Path
from typing import Any


def today_box(plan: Any, today: date, katas: dict[str, Any], kata_first: bool) -> tuple[str, str]:
    """(the title, the "Today" box) in Rich markup, for `plan` on `today`."""
    from rich.markup import escape

    c = plan.counts
    done = plan.reviews_done_today + plan.new_done_today
    total = sum(c.values())
    lines = [
        "[b]Today[/]",
        f"  due      [b]{c['learning'] + c['review']:>4}[/]  ({c['learning']} learning)",
        f"  new      [b]{c['new']:>4}[/]",
        f"  katas    [b]{c['kata']:>4}[/]" + ("  (first)" if kata_first and c["kata"] else ""),
    ]
    # Today's katas by name: someone here to practise for an interview sees them.
    for e in plan.entries:
        if e.item.kind == "kata":
            kata = katas.get(e.item.id)
            name = kata.title if kata else e.item.id
            name = name if len(name) <= 30 else name[:29] + "…"  # one line in the box
            lines.append(f"    · {escape(name)}")
    lines += [f"  about    [b]{plan.estimated_minutes:>4.0f}[/] min", ""]
    if total == 0:
        later = len(plan.learning_later)
        lines.append("[green]All done for today.[/]" +
                     (f" {later} come back later." if later else ""))
    elif done:
        lines.append(f"[b]r[/] resume ({done} done today)")
    else:
        lines.append("[b]r[/] start today's session")
    return f"[b]study[/] · {today:%A %d %B %Y}", "\n".join(lines)


class Preview:
    """The child's answer: {"day", "title", "today"}, or None if it had none."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self._fd: int | None = fd
        self._buf = bytearray()
        self._data: dict[str, str] | None = None

    @property
    def done(self) -> bool:
        return self._fd is None

    def take(self, wait: float = 0.0) -> dict[str, str] | None:
        """The counts, if the child has finished within `wait` seconds (else None: ask
        again later). Any thread; reaps the child once it has answered."""
        fd = self._fd
        if fd is None:
            return self._data
        deadline = time.monotonic() + wait
        while True:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            self._buf += chunk
        self.close()
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            data = json.loads(self._buf.decode())
            if isinstance(data, dict) and all(isinstance(data.get(k), str)
                                              for k in ("day", "title", "today")):
                self._data = data
        return self._data

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)  # it has written all it will: it is leaving


def start(home: str | Path | None) -> Preview | None:
    """Fork the child that works out today's counts; call it before importing Textual.
    None where there is no fork (another OS) or `STUDY_PREVIEW=0`."""
    if not hasattr(os, "fork") or os.environ.get("STUDY_PREVIEW") == "0":
        return None
    import gc

    # Frozen, the objects both sides share are not walked by either's collector: fewer
    # pages copied on write while the app starts.
    gc.freeze()
    try:
        r, w = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: read, answer, leave (never back into the caller's code)
        status = 0
        try:
            gc.disable()  # short-lived: its garbage goes with it
            os.nice(5)  # the app's first frame comes first where the cores are busy
            os.close(r)
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):  # nothing of it may reach the terminal the app draws on
                os.dup2(null, fd)
            answer = _work_out(home)
            if answer is not None:
                os.write(w, json.dumps(answer).encode())
        except BaseException:  # noqa: BLE001 - no preview then: the app plans as before
            status = 1
        finally:
            os._exit(status)
    os.close(w)
    return Preview(pid, r)


def _work_out(home: str | Path | None) -> dict[str, str] | None:
    from study.core import open_study_readonly
    from study.session import Session

    study = open_study_readonly(home)
    try:
        now = study.now()
        today = study.days.day_of(now)
        plan = Session(study).plan(now)
        title, box = today_box(plan, today, study.index.katas, study.settings.kata_first)
        return {"day": today.isoformat(), "title": title, "today": box}
    finally:
        study.close()
