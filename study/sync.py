"""Sync through a shared folder: a union of every device's events, then a replay.

Each home is a device (its `client_id`, one random id per home). A sync
exchanges files with a folder that some other tool keeps in step between
machines (Syncthing, Dropbox, a git repository, a network share):

    DIR/<device>/seg-00000001.jsonl   one append-only segment per sync that had news
    DIR/<device>/settings.json        the device's settings, each key with when it changed

A device writes only files under its own folder, each to a temporary name then
renamed into place, and never changes a segment once written. A segment is
three lines: a header (device, the highest sequence numbers it reaches), the
records, and a footer with the SHA-256 of the record line, so a file cut short
by a copy in progress is recognised, skipped with a warning and read once whole.

Merging is a union keyed on (device, seq). The log order that every home
replays is a function of the events alone: each device's events in its own
sequence, devices interleaved by `ord_ts` (the device's running maximum of its
timestamps, so a clock set back cannot reorder its own events), then device id.
The store keeps that order as its id order, so everything that replays or reads
the log in id order (rebuild, undo, the parameter switches) sees the same
history on every device that has the same events.

A device's rows get their sequence (a "stamp") at the sync after they were
written, numbered after the device's own segments in DIR (a restored home waits
until those are whole). A first sync between two big homes does its work on both
cores: SQLite numbers this device's rows while Python reads the segments; this
device's segment is serialised by SQLite on a second connection, from a snapshot
of the log as the sync's transaction found it, with the numbering the sync gives;
the new records are staged by a second connection while the log's moved rows are
copied and deleted; and the log is replayed while SQLite rewrites it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import operator
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import Any

import orjson

from study.bulk import (
    bulk_mode,
    check_constraints,
    checks_off,
    indexes_deferred,
    insert_many,
    verify_checks,
)
from study.clock import EARLIEST, LATEST, to_ms
from study.errors import StudyError
from study.store import REPLAY_SELECT, Replay, Store, _state_params

FORMAT = "study-sync"
VERSION = 1
SETTINGS_NAME = "settings.json"
_SEGMENT = re.compile(r"seg-(\d{8,})\.jsonl")
_DEVICE = re.compile(r"[0-9A-Za-z_-]{1,64}")
EVENTS = frozenset(("grade", "undo", "suspend", "unsuspend", "bury", "unbury", "forget"))
STATUSES = frozenset(("passed", "failed", "error", "timeout", "oom"))
# Settings that name something on this machine only: never synced.
LOCAL_SETTINGS = frozenset(("sync_dir", "content_dirs", "kata_device", "timezone"))
SETTINGS_META = "sync_settings"  # meta: {key: [value, ts, device]} as last synced


class SyncError(StudyError):
    """The sync folder cannot be used (one line, exit 2)."""

    exit_code = 2


@dataclass
class SyncReport:
    received: dict[str, int] = field(default_factory=lambda: {
        "reviews": 0, "attempts": 0, "params": 0})
    sent: dict[str, int] = field(default_factory=lambda: {
        "reviews": 0, "attempts": 0, "params": 0})
    devices: int = 0  # other devices seen in the folder
    settings_changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    segment: Path | None = None


def check_dir(folder: str | Path | None) -> Path:
    """The sync folder, or SyncError saying in one line why it cannot be one."""
    if folder is None or not str(folder).strip():
        raise SyncError("no sync folder: pass one (`study sync DIR`) or set sync_dir in "
                        "settings.toml")
    path = Path(os.path.expanduser(str(folder)))
    if not path.exists():
        raise SyncError(f"sync folder {path} does not exist; create it (or point at the "
                        "folder Syncthing, Dropbox or git keeps in step)")
    if not path.is_dir():
        raise SyncError(f"sync folder {path} is not a folder")
    if not os.access(path, os.W_OK | os.X_OK | os.R_OK):
        raise SyncError(f"sync folder {path} is not readable and writable by you")
    return path


# -- the segment files --------------------------------------------------------------


def _segments(folder: Path) -> list[tuple[int, Path]]:
    out = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        m = _SEGMENT.fullmatch(name)
        if m:
            out.append((int(m.group(1)), folder / name))
    return sorted(out)


def _header(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as fh:
            line = fh.readline(1 << 16)
        head = json.loads(line)
    except (OSError, ValueError):
        return None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        return None
    return head


def _read_segment(path: Path, device: str) -> dict[str, Any]:
    """The records of a whole segment; ValueError (why) when it is not (yet) whole."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot be read ({exc.strerror or exc})") from None
    lines = data.split(b"\n")
    if len(lines) < 3 or lines[3:] not in ([], [b""]):
        raise ValueError("is incomplete (still being copied?)")
    try:
        head, foot = json.loads(lines[0]), json.loads(lines[2])
    except ValueError:
        raise ValueError("is incomplete (still being copied?)") from None
    if not isinstance(foot, dict) or not isinstance(foot.get("sha256"), str):
        raise ValueError("is incomplete (still being copied?)")
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise ValueError("is not a study sync segment")
    if head.get("version") != VERSION:
        raise ValueError(f"has sync version {head.get('version')!r}; upgrade study")
    if head.get("device") != device:
        raise ValueError("names another device than its folder")
    # A big segment's hash is worked out on another thread (hashlib holds no GIL) while
    # this one parses it; a segment cut short fails it whatever the parse made of it.
    digest = _digest_apart(lines[1])
    try:
        # orjson: several times faster on a first sync's 300,000 records; what it reads
        # otherwise than json (an integer past 64 bits) no record check lets through
        body = orjson.loads(lines[1])
    except ValueError as exc:
        if digest() != foot["sha256"]:
            raise ValueError("is incomplete (still being copied?)") from None
        raise ValueError(f"is not valid JSON ({exc})") from None
    if digest() != foot["sha256"]:
        raise ValueError("is incomplete (still being copied?)")
    if not isinstance(body, dict):
        raise ValueError("has no records")
    for table, check in (("reviews", _ok_review), ("attempts", _ok_attempt),
                         ("params", _ok_param)):
        rows = body.get(table, [])
        if not isinstance(rows, list):
            raise ValueError(f"has a bad {table} list")
        # the common case (all well formed, in sequence) in loops that run in C
        if all(type(row) is list for row in rows) and all(map(check, rows)) and (
                not rows or list(map(_FIRST, rows)) == list(
                    range(rows[0][0], rows[0][0] + len(rows)))):
            continue
        last = None
        for n, row in enumerate(rows):
            if not isinstance(row, list) or not check(row):
                raise ValueError(f"{table} record {n + 1} is malformed")
            if last is not None and row[0] != last + 1:
                raise ValueError(f"{table} record {n + 1} breaks the sequence")
            last = row[0]
        raise ValueError(f"has a bad {table} list")  # not reached: the loop found it
    return body


_FIRST = operator.itemgetter(0)


def _digest_apart(data: bytes) -> Callable[[], str]:
    """The SHA-256 of `data` in hex, through a function that waits for it: worked out on
    another thread when `data` is big enough to be worth one."""
    if len(data) < 1 << 20:
        value = hashlib.sha256(data).hexdigest()
        return lambda: value
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-digest")
    future = pool.submit(lambda: hashlib.sha256(data).hexdigest())
    pool.shutdown(wait=False)
    return future.result


_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1  # what SQLite can store
_MS_MIN, _MS_MAX = to_ms(EARLIEST), to_ms(LATEST)  # what the replay can turn into a time
_DAY_MIN, _DAY_MAX = EARLIEST.date().toordinal() - 1, LATEST.date().toordinal()


def _int(v: object) -> bool:
    return type(v) is int and _INT_MIN <= v <= _INT_MAX


def _opt_int(v: object) -> bool:
    return v is None or _int(v)


def _opt_dev(v: object) -> bool:
    return v is None or (isinstance(v, str) and _DEVICE.fullmatch(v) is not None)


def _ok_review(r: list) -> bool:
    """A well-formed review record: the log's CHECK constraints, and values the store and
    the replay can take. A segment has one per event, so a grade is checked in one
    expression; other events take the longer way."""
    if len(r) != 12:
        return False
    seq, item, kind, event, rating, ts, day, dur, before, undo_dev, undo_seq, until = r
    if not (type(seq) is int and 0 < seq <= _INT_MAX and type(item) is str and item
            and (kind == "card" or kind == "kata")
            and type(ts) is int and _MS_MIN <= ts <= _MS_MAX
            and type(day) is int and _DAY_MIN <= day <= _DAY_MAX
            and (dur is None or (type(dur) is int and _INT_MIN <= dur <= _INT_MAX))
            and (before is None or (type(before) is int and _INT_MIN <= before <= _INT_MAX))
            and (until is None or (type(until) is int and _MS_MIN <= until <= _MS_MAX))):
        return False
    if event == "grade":
        return (type(rating) is int and 1 <= rating <= 4 and undo_dev is None
                and undo_seq is None)
    if event == "undo":  # names the event it undoes by its device and sequence
        return (rating is None and type(undo_dev) is str and _opt_dev(undo_dev)
                and type(undo_seq) is int and 0 < undo_seq <= _INT_MAX)
    return (type(event) is str and event in EVENTS and rating is None and undo_dev is None
            and undo_seq is None)


def _ok_attempt(r: list) -> bool:
    # seq, kata, ts, status, hints, duration, device, solution, review dev, review seq
    return (len(r) == 10 and _int(r[0]) and r[0] > 0 and isinstance(r[1], str)
            and _int(r[2]) and type(r[3]) is str and r[3] in STATUSES and _int(r[4])
            and _opt_int(r[5])
            and (r[6] is None or isinstance(r[6], str))
            and (r[7] is None or isinstance(r[7], str)) and _opt_dev(r[8]) and _opt_int(r[9]))


def _ok_param(r: list) -> bool:
    # seq, kind, after dev, after seq, ts, version, parameters, reverts dev, reverts seq,
    # reviews, evaluation
    return (len(r) == 11 and _int(r[0]) and r[0] > 0 and r[1] in ("card", "kata")
            and _opt_dev(r[2]) and _opt_int(r[3]) and _int(r[4]) and isinstance(r[5], str)
            and (r[6] is None or isinstance(r[6], str)) and _opt_dev(r[7])
            and _opt_int(r[8]) and _int(r[9]) and (r[10] is None or isinstance(r[10], str)))


_LEFTOVER = re.compile(r"\..+\.(\d+)\.tmp")


def _clear_leftovers(own_dir: Path) -> None:
    """The temporary files a sync of this device that was killed left in its own folder
    (named for their process: one still running is another sync's, at work)."""
    try:
        names = os.listdir(own_dir)
    except OSError:
        return
    for name in names:
        m = _LEFTOVER.fullmatch(name)
        if m is None:
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # alive (a pid reused since is left alone too: it goes next time)
        except ProcessLookupError:
            pass
        except (OSError, OverflowError):
            continue
        with contextlib.suppress(OSError):
            (own_dir / name).unlink()


def _write_atomic(path: Path, data: bytes) -> bool:
    """Write `path` whole or not at all; False if it already exists (another process)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # never replaces a segment that is already there
        except FileExistsError:
            return False
        except OSError:
            if path.exists():
                return False
            os.replace(tmp, path)
        return True
    finally:
        tmp.unlink(missing_ok=True)


# -- the sync -----------------------------------------------------------------------


def sync(store: Store, folder: Path, home: Path | None = None,
         at: datetime | None = None) -> SyncReport:
    """Exchange events with `folder` (checked by `check_dir`): read every device's whole
    segments, merge what is new, replay the items it touches, then write this device's
    news as one new segment; with `home`, settings too."""
    # The merge moves rows and rewrites every reference to them itself; SQLite's own
    # checks would scan unindexed child columns once per moved row (minutes on a big log).
    # No cyclic garbage collection either: a first sync makes a million short-lived
    # containers that form no cycles, and would trigger it thousands of times.
    store.conn.execute("PRAGMA foreign_keys = OFF")
    was_collecting = gc.isenabled()
    gc.disable()
    try:
        with contextlib.ExitStack() as jobs:
            return _sync(store, folder, home, at, jobs)
    finally:
        if was_collecting:
            gc.enable()
        store.conn.execute("PRAGMA foreign_keys = ON")


def _sync(store: Store, folder: Path, home: Path | None, at: datetime | None,
          jobs: contextlib.ExitStack) -> SyncReport:
    report = SyncReport()
    me = store.client_id
    own_dir = folder / me
    own_upto = {"reviews": 0, "attempts": 0, "params": 0}
    incoming: dict[str, list[dict[str, Any]]] = {}
    # What a big merge is done with (a million small objects): let go on another thread
    # while this one commits and writes the export, which hold no GIL.
    spent: list[object] = [incoming]
    with store.transaction() as c, bulk_mode(c):
        have = _have(c)  # before stamping: a restored home takes its own events back
        # this device's own folder first: what it holds decides how stamping goes
        own_whole = True
        if own_dir.is_dir():
            bodies, own_whole = _read_device(own_dir, me, have, own_upto, report, mine=True)
            if bodies:
                incoming[me] = bodies
        if not own_whole:
            # A segment of this device's own is still coming (a restored home): its new
            # records wait, unstamped, so that no number is given that it may hold.
            report.warnings.append("this device's news go out once its own segments in "
                                   f"{own_dir} are whole")
        numbered: Future[tuple[int, str, int] | None] | None = None
        if me not in incoming and own_whole and _many_unstamped(c, me):
            # A device's first sync: its whole log is numbered by SQLite (which works
            # without the GIL) on another thread while this one reads the segments, into
            # a temporary table that the merge reads the rows' stamps from as it moves
            # them (the rows it leaves in place are stamped after it).
            numberer = jobs.enter_context(
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-stamp"))
            numbered = numberer.submit(_number_unstamped, c, "reviews", me, own_upto, 0,
                                       "sync_stamps")
        try:
            for entry in sorted(os.listdir(folder)):
                dev_dir = folder / entry
                if entry == me or not _DEVICE.fullmatch(entry) or not dev_dir.is_dir():
                    continue
                report.devices += 1
                bodies, _ = _read_device(dev_dir, entry, have, own_upto, report)
                if bodies:
                    incoming[entry] = bodies
        finally:
            if numbered is not None:
                wait([numbered])  # the connection is this thread's again
        virtual = numbered.result() if numbered is not None else None
        # This device's news serialised on another connection while the merge runs, from a
        # snapshot of the log as this transaction found it (it holds the write lock).
        ahead = jobs.enter_context(_ExportAhead(store, own_dir, own_upto, own_whole))
        own_run = max((r[5] for body in incoming.get(me, []) for r in body["reviews"]
                       if r[0] > have.get(("reviews", me), 0)), default=0)
        stamped_from = _stamp(c, me, own_upto, own_run, reviews=numbered is None,
                              hold=None if own_whole else me)
        got = _merge(store, c, incoming, stamped_from, have, virtual, _stager(jobs), spent)
        report.received.update(got)
        # the export's snapshot is taken before this commit, so holds none of it
        ahead.started()
        del incoming  # (the merge's objects go while the commit holds no GIL)
        jobs.enter_context(ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="sync-free")).submit(spent.clear)
        # A big merge rewrote the log (a WAL about the database's size): its checkpoint
        # runs on another thread while the export is written, not inside this commit.
        autocheckpoint = int(c.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        big = got["reviews"] > BIG_MOVE and autocheckpoint > 0
        if big:
            c.execute("PRAGMA wal_autocheckpoint = 0")
            jobs.callback(store.conn.execute,  # as it was, whatever the commit does
                          f"PRAGMA wal_autocheckpoint = {autocheckpoint}")
    if big:
        checkpointer = jobs.enter_context(
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-checkpoint"))
        checkpointer.submit(_checkpoint, store.path)
    report.segment = _export(store, own_dir, report, ahead)
    if home is not None:
        report.settings_changed = sync_settings(store, folder, home, at)
    return report


def _stager(jobs: contextlib.ExitStack) -> Callable[[sqlite3.Connection], _Stage]:
    """A maker of `_Stage`s on the sync's connection, each closed by `jobs` (after the
    sync's transaction)."""
    def make(c: sqlite3.Connection) -> _Stage:
        stage = _Stage(c)
        jobs.callback(stage.close)
        return stage
    return make


def _read_device(dev_dir: Path, device: str, have: dict[tuple[str, str], int],
                 own_upto: dict[str, int], report: SyncReport,
                 mine: bool = False) -> tuple[list[dict[str, Any]], bool]:
    """The bodies of a device's segments that hold something new, in order, up to the
    first that is not whole (a warning; later ones wait for it), and whether none was
    not whole. For this device's own folder (`mine`), `own_upto` is raised to the last
    sequence numbers its segments reach (by their headers, whole or not)."""
    bodies: list[dict[str, Any]] = []
    waiting = False
    for _, path in _segments(dev_dir):
        head = _header(path)
        upto = head.get("upto") if head else None
        if mine and isinstance(upto, dict):
            for t in own_upto:
                v = upto.get(t)
                if type(v) is int:
                    own_upto[t] = max(own_upto[t], v)
        if waiting:
            continue
        if isinstance(upto, dict) and all(
                isinstance(upto.get(t), int) and upto[t] <= have.get((t, device), 0)
                for t in own_upto):
            continue  # nothing new in it: not even read
        try:
            bodies.append(_read_segment(path, device))
        except ValueError as exc:
            report.warnings.append(f"skipped {path}: it {exc}; it is read when whole")
            waiting = True  # later segments of this device wait for this one
    return bodies, not waiting


def _have(c: sqlite3.Connection) -> dict[tuple[str, str], int]:
    """(table, device) -> the highest sequence number held."""
    out: dict[tuple[str, str], int] = {}
    for table, sql in (("reviews", "reviews"), ("attempts", "attempts"),
                       ("params", "fsrs_params")):
        # One index seek per device (a skip over the (client_id, seq) index), not a scan
        # of the whole log: a sync with little news is mostly this.
        for dev, top in c.execute(
                f"WITH RECURSIVE d(dev) AS (SELECT MIN(client_id) FROM {sql} UNION ALL "
                f"SELECT (SELECT MIN(client_id) FROM {sql} WHERE client_id > d.dev) FROM d "
                "WHERE d.dev IS NOT NULL) "
                f"SELECT dev, (SELECT MAX(seq) FROM {sql} WHERE client_id = d.dev) FROM d "
                "WHERE dev IS NOT NULL"):
            if top is not None:
                out[(table, dev)] = int(top)
    return out


def _many_unstamped(c: sqlite3.Connection, me: str) -> bool:
    """Whether more of this device's reviews than STAMP_IN_SQL have no sequence yet (a
    device's first sync): a few index steps, not a scan."""
    return bool(c.execute(
        "SELECT COUNT(*) > ? FROM (SELECT 1 FROM reviews WHERE client_id = ? AND seq IS NULL "
        "LIMIT ?)", (STAMP_IN_SQL, me, STAMP_IN_SQL + 1)).fetchone()[0])


def _stamp(c: sqlite3.Connection, me: str, own_upto: dict[str, int],
           own_run: int = 0, reviews: bool = True, hold: str | None = None) -> int | None:
    """Give rows written since the last sync their device sequence (and reviews their
    merge time); returns the smallest review id stamped, or None. Without `reviews`, the
    reviews are left to the caller (numbered apart: _number_unstamped); the rows of
    device `hold` are left unstamped."""
    first: int | None = None
    for table, key in (("reviews", "reviews"), ("attempts", "attempts"),
                       ("params", "fsrs_params")):
        is_reviews = table == "reviews"
        if is_reviews and not reviews:
            continue
        # each device's unstamped rows by its index (a scan of a big log costs 50-200 ms
        # at every sync, the app's at start and quit among them), in id order
        most = STAMP_IN_SQL + 1 if is_reviews else -1
        rows = sorted(chain.from_iterable(
            c.execute(f"SELECT id, client_id{', ts' if is_reviews else ''} FROM {key} "
                      "WHERE client_id = ? AND seq IS NULL ORDER BY id LIMIT ?", (dev, most))
            for dev in _unstamped_devices(c, key, hold)))
        if not rows:
            continue
        if is_reviews:
            del rows[most:]
        if is_reviews:
            first = rows[0][0]
            if len(rows) > STAMP_IN_SQL:
                _number_unstamped(c, "reviews", me, own_upto, own_run, "sync_stamps", hold)
                _apply_stamps(c)
                continue
        nxt: dict[str, int] = {}
        run: dict[str, int] = {}
        out: list[tuple] = []
        for row in rows:
            dev = row[1]
            if dev not in nxt:
                nxt[dev], run[dev] = _stamp_base(c, table, dev, me, own_upto, own_run)
            if is_reviews:
                run[dev] = max(run[dev], row[2])
                out.append((nxt[dev], run[dev], row[0]))
            else:
                out.append((nxt[dev], row[0]))
            nxt[dev] += 1
        if is_reviews:
            c.executemany("UPDATE reviews SET seq = ?, ord_ts = ? WHERE id = ?", out)
        else:
            c.executemany(f"UPDATE {key} SET seq = ? WHERE id = ?", out)
    return first


_TABLE = {"reviews": "reviews", "attempts": "attempts", "params": "fsrs_params"}


def _unstamped_devices(c: sqlite3.Connection, key: str, hold: str | None = None) -> list[str]:
    """The devices (but `hold`) with rows of table `key` not stamped yet: one seek of its
    (client_id, seq) index per device, not a scan."""
    return [dev for (dev,) in c.execute(
        f"WITH RECURSIVE d(dev) AS (SELECT MIN(client_id) FROM {key} UNION ALL "
        f"SELECT (SELECT MIN(client_id) FROM {key} WHERE client_id > d.dev) FROM d "
        "WHERE d.dev IS NOT NULL) SELECT dev FROM d WHERE dev IS NOT NULL AND EXISTS "
        f"(SELECT 1 FROM {key} WHERE client_id = d.dev AND seq IS NULL)") if dev != hold]


def _stamp_base(c: sqlite3.Connection, table: str, dev: str, me: str,
                own_upto: dict[str, int], own_run: int) -> tuple[int, int]:
    """The sequence number of `dev`'s first unstamped row in `table`, and (reviews) the
    merge time its rows run on from: after its stamped rows, and for this device after its
    records in DIR (own_upto, own_run: they come back to a restored home)."""
    top = c.execute(f"SELECT seq{', ord_ts' if table == 'reviews' else ''} "
                    f"FROM {_TABLE[table]} WHERE client_id = ? AND seq IS NOT NULL "
                    "ORDER BY seq DESC LIMIT 1", (dev,)).fetchone()
    nxt = max(top[0] if top else 0, own_upto[table] if dev == me else 0) + 1
    run = (top[1] or 0) if top and table == "reviews" else 0
    if dev == me and table == "reviews":
        run = max(run, own_run)
    return nxt, run


# More review rows than this to stamp (a device's first sync): numbered by SQLite, not
# row by row from Python.
STAMP_IN_SQL = 5_000


def _number_unstamped(c: sqlite3.Connection, table: str, me: str, own_upto: dict[str, int],
                      own_run: int, into: str,
                      hold: str | None = None) -> tuple[int, str, int] | None:
    """`_stamp`'s numbering of every unstamped row of `table` (each device's rows in id
    order, after `_stamp_base`; a review's merge time the running maximum of its times),
    worked out by SQLite with window functions into temp table `into` (id, seq, ord_ts),
    and nothing stamped. Returns the smallest merge key (ord_ts, device, seq) of the
    reviews numbered, or None. The rows of device `hold` are left out."""
    key = _TABLE[table]
    c.execute(f"CREATE TEMP TABLE IF NOT EXISTS {into} "
              "(id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, ord_ts INTEGER)")
    c.execute(f"DELETE FROM temp.{into}")
    first: tuple[int, str, int] | None = None
    for dev in _unstamped_devices(c, key, hold):
        nxt, run = _stamp_base(c, table, dev, me, own_upto, own_run)
        merge_time = "MAX(?, MAX(ts) OVER w)" if table == "reviews" else "?"
        c.execute(f"INSERT INTO temp.{into} (id, seq, ord_ts) "
                  f"SELECT id, ? + ROW_NUMBER() OVER w, {merge_time} FROM {key} "
                  "WHERE client_id = ? AND seq IS NULL "
                  "WINDOW w AS (ORDER BY id ROWS UNBOUNDED PRECEDING)",
                  (nxt - 1, run if table == "reviews" else None, dev))
        if table == "reviews":  # a device's first row has its smallest key
            (ts,) = c.execute("SELECT ts FROM reviews WHERE client_id = ? AND seq IS NULL "
                              "ORDER BY id LIMIT 1", (dev,)).fetchone()
            mine = (max(run, ts), dev, nxt)
            first = mine if first is None or mine < first else first
    return first


def _apply_stamps(c: sqlite3.Connection) -> None:
    """Set the stamps numbered into temp.sync_stamps on the reviews (those still at their
    numbered ids), and empty it."""
    n = c.execute("SELECT COUNT(*) FROM temp.sync_stamps").fetchone()[0]
    # Many: the indexes on seq and ord_ts built again after, one sort each, instead of
    # two index entries moved per row; the others hold neither column, so stay untouched.
    others = frozenset(name for (name,) in c.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews' "
        "AND name NOT IN ('reviews_device_seq', 'reviews_merge_order')"))
    with (indexes_deferred(c, "reviews", keep=others) if n > STAMP_IN_SQL
          else contextlib.nullcontext()):
        c.execute("UPDATE reviews SET seq = s.seq, ord_ts = s.ord_ts FROM temp.sync_stamps s "
                  "WHERE reviews.id = s.id")
    c.execute("DELETE FROM temp.sync_stamps")


_REVIEW_COLS = ("id, item_id, kind, event, rating, ts, day, duration_ms, client_id, "
                "state_before, undoes, until_ms, seq, ord_ts")


def _merge(store: Store, c: sqlite3.Connection, incoming: dict[str, list[dict[str, Any]]],
           stamped_from: int | None, have: dict[tuple[str, str], int],
           numbered: tuple[int, str, int] | None,
           stager: Callable[[sqlite3.Connection], _Stage],
           spent: list[object]) -> dict[str, int]:
    """Insert the new records, keep the log in merge order, replay what changed.

    `numbered`: reviews were numbered into temp.sync_stamps instead of stamped (a first
    sync), and this is their smallest merge key; the log's rows are read with those
    stamps, and get them as they move, or after. `stager` makes a big move's `_Stage`
    (`_stager`); what the merge is done with goes to `spent` (to be let go)."""
    # the new records of each device, contiguous after what is held
    new: dict[str, dict[str, list[list]]] = {}
    for dev, bodies in incoming.items():
        per: dict[str, list[list]] = {"reviews": [], "attempts": [], "params": []}
        for table in per:
            nxt = have.get((table, dev), 0) + 1
            for body in bodies:
                rows = body.get(table, [])
                if not rows:
                    continue
                # a segment's records run in sequence (_read_segment): what is new in it
                # is a slice, unless it starts after a gap (it waits for the segment
                # that fills it)
                start = nxt - rows[0][0]
                if 0 <= start < len(rows):
                    per[table].extend(rows[start:])
                    nxt = rows[-1][0] + 1
        new[dev] = per
    # a record whose reference (an undone event, a linked review, the review a parameter
    # set follows) is not here yet waits, with the rest of its device's records
    changed = True
    while changed:
        changed = False
        batches: dict[str, set[tuple[str, int]]] = {}  # made when a reference asks

        def here(dev: str | None, seq: int | None, table: str,
                 batches: dict[str, set[tuple[str, int]]] = batches) -> bool:
            if dev is None or seq is None or seq <= have.get((table, dev), 0):
                return True
            if table not in batches:
                batches[table] = {(d, r[0]) for d, per in new.items() for r in per[table]}
            return (dev, seq) in batches[table]

        for per in new.values():
            for table, refs in (("reviews", ((9, 10, "reviews"),)),
                                ("attempts", ((8, 9, "reviews"),)),
                                ("params", ((2, 3, "reviews"), (7, 8, "params")))):
                rows = per[table]
                for a, b, t in refs:
                    # most records refer to nothing (a grade undoes nothing)
                    for i, r in enumerate(rows):
                        if r[a] is not None and not here(r[a], r[b], t):
                            del rows[i:]
                            changed = True
                            break

    counts = {t: sum(len(p[t]) for p in new.values()) for t in ("reviews", "attempts", "params")}
    # The new records and the rows here that must move, each as (ord_ts, device, seq,
    # position): the merge order is the order of these tuples (a device and seq are unique).
    foreign: list[list] = []
    entries: list[tuple[int, str, int, int]] = []
    for dev, per in new.items():
        if not per["reviews"]:
            continue
        top = c.execute("SELECT ord_ts FROM reviews WHERE client_id = ? AND seq <= ? "
                        "ORDER BY seq DESC LIMIT 1",
                        (dev, have.get(("reviews", dev), 0))).fetchone()
        run = top[0] if top and top[0] is not None else 0
        for r in per["reviews"]:
            if r[5] > run:
                run = r[5]
            entries.append((run, dev, r[0], len(foreign)))
            foreign.append(r)
    k0 = min(entries) if entries else None
    if stamped_from is not None:
        first = c.execute("SELECT ord_ts, client_id, seq FROM reviews WHERE id >= ? "
                          "ORDER BY ord_ts, client_id, seq LIMIT 1", (stamped_from,)).fetchone()
        if first is not None and first[0] is not None:
            mine = (first[0], first[1], first[2], -1)
            k0 = mine if k0 is None or mine < k0 else k0
    if numbered is not None:
        mine = (*numbered, -1)
        k0 = mine if k0 is None or mine < k0 else k0
    params_changed = bool(counts["params"])
    touched: set[str] = {r[1] for r in foreign}
    replayed: Replay | None = None
    if k0 is not None:
        # the rows already here that sort after the first new one, in their present order
        # (a range on the merge-order index; the tie on ord_ts is settled here), or, when
        # that is most of the log (a first sync), one pass over the table in id order
        # (numbered rows: more than STAMP_IN_SQL, and not in the index: one pass)
        n_later = BIG_MOVE + 1 if numbered is not None else c.execute(
            "SELECT COUNT(*) FROM reviews INDEXED BY reviews_merge_order "
            "WHERE ord_ts >= ?", (k0[0],)).fetchone()[0]
        how = "NOT INDEXED" if n_later > BIG_MOVE else "INDEXED BY reviews_merge_order"
        first_ts, first_key = k0[0], k0[:3]
        # (in a record's layout where the replay reads it: item, kind, event, rating, ts
        # at 1-5, until_ms at 11; the merge key at 6, 7, 0; the id at 8)
        # (the tie on ord_ts settled by SQLite too: a row value compares as a tuple does)
        later = c.execute(
            "SELECT seq, item_id, kind, event, rating, ts, ord_ts, client_id, id, NULL, NULL, "
            f"until_ms FROM reviews {how} WHERE ord_ts >= ? "
            "AND (ord_ts, client_id, seq) >= (?, ?, ?) ORDER BY id", (first_ts, *first_key)
        ).fetchall() if numbered is None else c.execute(
            "SELECT COALESCE(r.seq, s.seq) AS q, r.item_id, r.kind, r.event, r.rating, r.ts, "
            "COALESCE(r.ord_ts, s.ord_ts) AS o, r.client_id, r.id, NULL, NULL, r.until_ms "
            "FROM reviews AS r NOT INDEXED LEFT JOIN temp.sync_stamps s ON s.id = r.id "
            "WHERE o >= ? AND (o, r.client_id, q) >= (?, ?, ?) ORDER BY r.id",
            (first_ts, *first_key)).fetchall()
        merged = sorted([(r[6], r[7], r[0], -1 - i) for i, r in enumerate(later)] + entries)
        # rows already in place at the front stay; the rest are written anew, in order
        keep = 0
        while keep < len(later) and merged[keep][3] == -1 - keep:
            keep += 1
        moved = merged[keep:]
        if moved:
            # with no parameter sets, a big move replays the log while it rewrites it
            replay_here = not params_changed and not c.execute(
                "SELECT 1 FROM fsrs_params LIMIT 1").fetchone()
            moved_params, replayed = _move(store, c, moved, later, foreign, touched,
                                           replay_here, stager, spent)
            params_changed = params_changed or moved_params
        spent.extend((later, merged, moved))
    if numbered is not None:
        _apply_stamps(c)  # the numbered rows left in place
    _insert_attempts(c, new)
    _insert_params(c, new)
    if replayed is not None and not params_changed:
        replayed.write(store, c)
    elif params_changed or len(touched) > 5000:  # most items: the one-pass rebuild is faster
        store._rebuild_in(c)
    elif touched:
        _replay_items(store, c, touched)
    spent.extend((new, foreign, entries))
    return counts


# A move of more rows than this (a first sync) builds the log's indexes once after it and
# replays the items while SQLite rewrites the log.
BIG_MOVE = 50_000


def _move(store: Store, c: sqlite3.Connection, moved: list[tuple[int, str, int, int]],
          later: list[tuple], foreign: list[list], touched: set[str],
          replay_here: bool,
          stager: Callable[[sqlite3.Connection], _Stage],
          spent: list[object]) -> tuple[bool, Replay | None]:
    """Write the `moved` rows (merge entries: a row here, or a new record) anew at the end
    of the log in merge order, and every reference to a moved row with them. Rows here
    are copied inside SQLite (through a temporary table, so the log is appended in id
    order); only the new records come from Python.

    Returns whether a parameter set's position in the log moved, and, for a big move
    when `replay_here` (no parameter sets anywhere), the replay of the whole log: it is
    fed from the rows in hand while another thread runs the rewrite (SQLite works
    without the GIL for the length of a statement, and these statements are long)."""
    base = c.execute("SELECT COALESCE(MAX(id), 0) FROM reviews").fetchone()[0]
    base = max(base, c.execute(
        "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'reviews'"
    ).fetchone()[0])
    big = len(moved) > BIG_MOVE
    remap: list[tuple[int, int]] = []  # (old id, new id) of the rows here that move
    placed: list[tuple[int, list]] = []  # (new id, record) of the new records
    # An item's state depends on its own events in log order only: one with a new record
    # is replayed (`touched` has it), and one whose rows here change order among
    # themselves; moving every row of an item together (new ids, references remapped)
    # leaves its state as it is.
    # A big move replays the whole log (when `replay_here`), so has no order to check;
    # it keeps the moved rows in merge order instead, for that replay (each in a record's
    # layout: a row here as `later` holds it, or a new record).
    whole = big and replay_here
    src: list[Sequence[Any]] = []
    last_old: dict[str, int] = {}
    for n, (_, _, _, pos) in enumerate(moved, base + 1):
        if pos < 0:
            row = later[-1 - pos]
            remap.append((row[8], n))
            if whole:
                src.append(row)
            else:
                if row[8] < last_old.get(row[1], 0):
                    touched.add(row[1])
                last_old[row[1]] = row[8]
        else:
            record = foreign[pos]
            placed.append((n, record))
            if whole:
                src.append(record)
    by_key: dict[tuple[str, int], int] = {}
    old_to_new: dict[int, int] = {}
    if big and replay_here or any(r[9] is not None for _, r in placed):
        old_to_new = dict(remap)
    if any(r[9] is not None for _, r in placed):  # an undo among the new records
        by_key = {(e[1], e[2]): n for n, e in enumerate(moved, base + 1) if e[3] >= 0}

    def resolve(dev: str, seq: int) -> int:
        got = by_key.get((dev, seq))
        if got is not None:
            return got
        row = c.execute("SELECT id FROM reviews WHERE client_id = ? AND seq = ?",
                        (dev, seq)).fetchone()
        return old_to_new.get(row[0], row[0])

    rows = [(n, r[1], r[2], r[3], r[4], r[5], r[6], r[7], dev, r[8],
             resolve(r[9], r[10]) if r[9] is not None else None, r[11], r[0], ord_ts)
            for (n, r), (ord_ts, dev, _, _) in zip(
                placed, (e for e in moved if e[3] >= 0), strict=True)]
    c.execute("CREATE TEMP TABLE IF NOT EXISTS sync_stamps "
              "(id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, ord_ts INTEGER)")
    c.execute("CREATE TEMP TABLE IF NOT EXISTS sync_remap "
              "(old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
    c.execute("CREATE TEMP TABLE IF NOT EXISTS sync_rows (id INTEGER PRIMARY KEY, "
              f"{_REVIEW_COLS.split(', ', 1)[1]})")
    c.execute("DELETE FROM sync_remap")
    c.execute("DELETE FROM sync_rows")
    insert_many(c, "temp.sync_remap", ("old", "new"), remap)
    if not whole:
        _fill(c, rows, big)
        return _rewrite(c, big, bool(remap)), None
    # The log after the move, in id order: the rows that stay, then the moved ones in merge
    # order. Undone ids as they will be: a moved target by its new id.
    undone = {old_to_new.get(u, u) for (u,) in c.execute(
        "SELECT undoes FROM reviews WHERE undoes IS NOT NULL")}
    undone.update(r[10] for r in rows if r[10] is not None)
    store._sync_params(c)
    replay = Replay(store.srs, undone)
    replay.feed_rows(c.execute(
        f"{REPLAY_SELECT} WHERE id NOT IN (SELECT old FROM temp.sync_remap) ORDER BY id"))
    # The new records go into a stage of their own from this thread while the rewrite
    # copies and deletes the moved rows here; then it appends both, and this thread
    # replays the log.
    checks = check_constraints(c, "reviews")
    try:
        stage: _Stage | None = stager(c)
    except sqlite3.Error:  # (an SQLite without shared cache, say): the temporary table
        stage = None
        _fill(c, rows, big)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-rewrite") as pool:
        rewrite = pool.submit(_rewrite, c, big, bool(remap), stage)
        try:
            if stage is not None:
                stage.fill(rows, checks)
            replay.feed_numbered(range(base + 1, base + 1 + len(src)), src)
            replay.rows()  # the states to write, while the rewrite finishes
        finally:
            if stage is not None:
                stage.settle()  # however this thread left off, the rewrite waits no more
            params_moved = rewrite.result()  # the connection is this thread's again
    spent.extend((src, rows, remap, placed, old_to_new))
    return params_moved, replay


def _checkpoint(db: Path) -> None:
    """Copy the WAL back into the database file, on a connection of its own."""
    with contextlib.suppress(sqlite3.Error), \
            contextlib.closing(sqlite3.connect(db, isolation_level=None)) as c:
        c.execute("PRAGMA wal_checkpoint(PASSIVE)")


class _Stage:
    """A big move's new records, written by a connection of their own into an in-memory
    database attached to the sync's connection (`name`), so this thread fills it while
    the sync's connection works in another. `close` (after the sync's transaction: SQLite
    detaches nothing during one) lets it go."""

    _count = 0

    def __init__(self, c: sqlite3.Connection) -> None:
        _Stage._count += 1
        self.name = f"sync_stage_{_Stage._count}"
        uri = f"file:study-{self.name}-{os.getpid()}?mode=memory&cache=shared"
        self.conn = sqlite3.connect(uri, uri=True, isolation_level=None,
                                    check_same_thread=False)
        self._main = c
        self._filled = threading.Event()
        self._failed: BaseException | None = None
        try:
            self.conn.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, "
                              f"{_REVIEW_COLS.split(', ', 1)[1]})")
            c.execute(f"ATTACH ? AS {self.name}", (uri,))
        except BaseException:
            self.conn.close()
            raise
        # The same database on both connections (not so without a shared cache), seen in
        # its schema: a read of the table would lock it against the fill until commit.
        if c.execute(f"SELECT COUNT(*) FROM {self.name}.sqlite_master "
                     "WHERE name = 'rows'").fetchone()[0] != 1:
            self.close()
            raise sqlite3.OperationalError("no shared in-memory database")

    def fill(self, rows: list[tuple], checks: list[str]) -> None:
        """The new records in, and their CHECK constraints verified (the log's rewrite
        does not evaluate them per row); the rewrite waits for this."""
        try:
            insert_many(self.conn, "rows", _REVIEW_COLS.split(", "), rows)
            verify_checks(self.conn, "reviews", "rows", checks)
        except BaseException as exc:
            self._failed = exc
            raise
        finally:
            self._filled.set()

    def settle(self) -> None:
        """No fill is coming: one not done by now is failed."""
        if not self._filled.is_set():
            self._failed = RuntimeError("not filled")
            self._filled.set()

    def wait(self) -> None:
        self._filled.wait()
        if self._failed is not None:
            raise sqlite3.OperationalError("the sync's new records did not go in")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._main.execute(f"DETACH {self.name}")
        self.conn.close()


def _fill(c: sqlite3.Connection, rows: list[tuple], big: bool) -> None:
    """The new records into temp.sync_rows; for a big move, their CHECK constraints
    verified there (the rows here met them already), so the log's rewrite need not scan
    every row for them."""
    insert_many(c, "temp.sync_rows", _REVIEW_COLS.split(", "), rows)
    if big:
        verify_checks(c, "reviews", "temp.sync_rows")


def _rewrite(c: sqlite3.Connection, big: bool, remapped: bool,
             stage: _Stage | None = None) -> bool:
    """The SQL part of `_move`: the moved rows here copied (through a temporary table, so
    the log is appended in id order), out of their old places and in at their new ids
    with the new records, every reference to a moved row updated; True if a parameter
    set's moved. With a `stage`, the new records are there (once it is filled), not in
    temp.sync_rows."""
    # the rows here keep their undo ids until the update below, which remaps every row's
    # (a row numbered but not stamped yet takes its stamps with it: _merge's `numbered`)
    c.execute(f"INSERT INTO temp.sync_rows ({_REVIEW_COLS}) SELECT m.new, "
              f"{', '.join('r.' + col for col in _REVIEW_COLS.split(', ')[1:-2])}, "
              "COALESCE(r.seq, s.seq), COALESCE(r.ord_ts, s.ord_ts) "
              "FROM temp.sync_remap m JOIN reviews r ON r.id = m.old "
              "LEFT JOIN temp.sync_stamps s ON s.id = m.old")
    if c.execute("SELECT 1 FROM temp.sync_stamps LIMIT 1").fetchone():  # taken: done with
        c.execute("DELETE FROM temp.sync_stamps WHERE id IN (SELECT old FROM temp.sync_remap)")
    # A big move (a first sync): the log's indexes are built once after the rows, and no
    # CHECK constraint is evaluated per row: the new records were verified in
    # temp.sync_rows (_fill), the rows here when they came in.
    with (checks_off(c) if big else contextlib.nullcontext()), \
            (indexes_deferred(c, "reviews") if big else contextlib.nullcontext()):
        c.execute("DELETE FROM reviews WHERE id IN (SELECT old FROM temp.sync_remap)")
        if stage is None:
            c.execute(f"INSERT INTO reviews ({_REVIEW_COLS}) SELECT {_REVIEW_COLS} "
                      "FROM temp.sync_rows ORDER BY id")
        else:
            stage.wait()
            c.execute(f"INSERT INTO reviews ({_REVIEW_COLS}) SELECT {_REVIEW_COLS} "
                      f"FROM temp.sync_rows UNION ALL SELECT {_REVIEW_COLS} "
                      f"FROM {stage.name}.rows ORDER BY id")
    params_moved = False
    if remapped:
        sub = "(SELECT new FROM sync_remap WHERE old = {0})"
        for table, col in (("reviews", "undoes"), ("attempts", "review_id"),
                           ("item_state", "last_event")):
            c.execute(f"UPDATE {table} SET {col} = {sub.format(col)} "
                      f"WHERE {col} IN (SELECT old FROM sync_remap)")
        params_moved = c.execute(
            "UPDATE fsrs_params SET after_review = "
            "(SELECT new FROM sync_remap WHERE old = after_review) "
            "WHERE after_review IN (SELECT old FROM sync_remap)").rowcount > 0
    c.execute("DELETE FROM sync_remap")
    c.execute("DELETE FROM sync_rows")
    return params_moved


def _insert_attempts(c: sqlite3.Connection, new: dict[str, dict[str, list[list]]]) -> None:
    rows = []
    for dev, per in new.items():
        for r in per["attempts"]:
            rid = None
            if r[8] is not None:
                got = c.execute("SELECT id FROM reviews WHERE client_id = ? AND seq = ?",
                                (r[8], r[9])).fetchone()
                rid = got[0] if got else None
            rows.append((r[1], r[2], r[3], r[4], r[5], r[6], r[7], rid, dev, r[0]))
    c.executemany("INSERT INTO attempts (kata_id, ts, status, hints_used, duration_ms, device, "
                  "solution, review_id, client_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  rows)


def _insert_params(c: sqlite3.Connection, new: dict[str, dict[str, list[list]]]) -> None:
    for dev, per in new.items():
        for r in per["params"]:
            after = 0
            if r[2] is not None:
                after = c.execute("SELECT id FROM reviews WHERE client_id = ? AND seq = ?",
                                  (r[2], r[3])).fetchone()[0]
            reverts = None
            if r[7] is not None:
                got = c.execute("SELECT id FROM fsrs_params WHERE client_id = ? AND seq = ?",
                                (r[7], r[8])).fetchone()
                reverts = got[0] if got else None
            c.execute("INSERT INTO fsrs_params (kind, after_review, ts, fsrs_version, "
                      "parameters, reverts, reviews, evaluation, client_id, seq) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      (r[1], after, r[4], r[5], r[6], reverts, r[9], r[10], dev, r[0]))


def _replay_items(store: Store, c: sqlite3.Connection, items: Iterable[str]) -> None:
    """Replay the whole history of these items (and only these) into item_state."""
    ids = sorted(set(items))
    undone = {r[0] for r in c.execute("SELECT undoes FROM reviews WHERE undoes IS NOT NULL")}
    store._sync_params(c)
    replay = Replay(store.srs, undone, store.param_switches(c))
    rows: list[tuple] = []
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        rows.extend(c.execute(f"{REPLAY_SELECT} WHERE item_id IN ({','.join('?' * len(part))})",
                              part))
    rows.sort()  # by id (the first value), which is unique
    replay.feed_rows(rows)
    out = []
    gone = []

    for item_id in ids:
        entry = replay.items.get(item_id)
        state = store.srs.fold_end(item_id, entry[0]) if entry is not None else None
        if state is None:
            gone.append((item_id,))
        else:
            out.append(_state_params(state, entry[1] if entry is not None else None))
    c.executemany("DELETE FROM item_state WHERE item_id = ?", gone)
    store._put_many(c, out)


# This device's records as a segment's JSON, built by SQLite (json_array per row, in seq
# order): the whole statement runs without the GIL, so a first sync's 300,000 records are
# serialised on the other core while this one merges (_ExportAhead). Per table: its alias
# and table, the record's values after its seq, and the joins that name the records it
# refers to ({alias} in the values: that record's seq, by its device).
_EXPORT = {
    "reviews": ("r", "reviews",
                "r.item_id, r.kind, r.event, r.rating, r.ts, r.day, r.duration_ms, "
                "r.state_before, u.client_id, {u}, r.until_ms",
                "LEFT JOIN reviews u ON u.id = r.undoes", {"u": "reviews"}),
    "attempts": ("a", "attempts",
                 "a.kata_id, a.ts, a.status, a.hints_used, a.duration_ms, a.device, "
                 "a.solution, r.client_id, {r}",
                 "LEFT JOIN reviews r ON r.id = a.review_id", {"r": "reviews"}),
    "params": ("p", "fsrs_params",
               "p.kind, r.client_id, {r}, p.ts, p.fsrs_version, p.parameters, q.client_id, "
               "{q}, p.reviews, p.evaluation",
               "LEFT JOIN reviews r ON r.id = p.after_review "
               "LEFT JOIN fsrs_params q ON q.id = p.reverts", {"r": "reviews", "q": "params"}),
}


def _export_sql(table: str, predicted: bool, unstamped: bool = False) -> str:
    """The statement that serialises this device's records of `table` after a sequence
    number: its stamped ones; `predicted`, with the records they refer to numbered as
    the sync will stamp them (temp.sync_next_<table>); `unstamped`, instead, its records
    that have no seq yet, each with the one the sync will give it."""
    alias, key, values, joins, refs = _EXPORT[table]
    seqs = {ref: (f"COALESCE({ref}.seq, (SELECT seq FROM temp.sync_next_{target} "
                  f"WHERE id = {ref}.id))" if predicted else f"{ref}.seq")
            for ref, target in refs.items()}
    if unstamped:  # each device's stamps run in id order: no sort
        return (f"SELECT json_group_array(json(x)), COUNT(*), MAX(seq) FROM (SELECT "
                f"json_array(n.seq, {values.format(**seqs)}) AS x, n.seq AS seq "
                f"FROM temp.sync_next_{table} n CROSS JOIN {key} {alias} "
                f"ON {alias}.id = n.id {joins} WHERE {alias}.client_id = ? AND n.seq > ? "
                "ORDER BY n.id)")
    return (f"SELECT json_group_array(json(x)), COUNT(*), MAX(seq) FROM (SELECT "
            f"json_array({alias}.seq, {values.format(**seqs)}) AS x, {alias}.seq AS seq "
            f"FROM {key} {alias} {joins} WHERE {alias}.client_id = ? AND {alias}.seq > ? "
            f"ORDER BY {alias}.seq)")


@dataclass
class _Body:
    line: bytes  # the segment's records line
    upto: dict[str, int]  # the last sequence number of each table in it
    counts: dict[str, int]

    @cached_property
    def sha256(self) -> str:
        """The line's SHA-256 in hex (an export ahead works it out early)."""
        return hashlib.sha256(self.line).hexdigest()


def _own_upto(own_dir: Path) -> tuple[list[tuple[int, Path]], dict[str, int]]:
    """This device's segments in DIR, and the last sequence number of each table in them."""
    upto = {"reviews": 0, "attempts": 0, "params": 0}
    segs = _segments(own_dir)
    for _, path in segs:
        head = _header(path)
        if head and isinstance(head.get("upto"), dict):
            for t in upto:
                v = head["upto"].get(t)
                if isinstance(v, int):
                    upto[t] = max(upto[t], v)
    return segs, upto


def _body(c: sqlite3.Connection, me: str, upto: dict[str, int],
          predicted: bool = False, own: bool = True) -> _Body:
    """This device's records after `upto`, as a segment's records line; `predicted`, with
    the records not stamped yet as the sync in progress stamps them (c's snapshot must be
    the log as that sync's transaction found it, and `upto` the own_upto it stamps
    after), this device's own among them unless not `own`."""
    parts, last, counts = [], {}, {}
    if predicted:
        for table in _EXPORT:
            _number_unstamped(c, table, me, upto, 0, f"sync_next_{table}",
                              None if own else me)
    for table in _EXPORT:
        arrays, n, top = [], 0, upto[table]
        for unstamped in ((False, True) if predicted and own else (False,)):
            rows_json, k, high = c.execute(_export_sql(table, predicted, unstamped),
                                           (me, upto[table])).fetchone()
            if k:
                arrays.append(rows_json[1:-1])
                n += int(k)
                top = max(top, int(high))
        parts.append(f'"{table}":[{",".join(arrays)}]')
        counts[table] = n
        last[table] = top
    return _Body(("{" + ",".join(parts) + "}").encode(), last, counts)


class _ExportAhead:
    """This device's news, serialised on another connection in a thread while the merge
    runs, from a snapshot of the log as the sync's transaction found it (taken before that
    transaction commits: `started`), with the rows the sync stamps numbered as it does."""

    def __init__(self, store: Store, own_dir: Path, own_upto: dict[str, int],
                 stamping: bool = True) -> None:
        self.segs = _segments(own_dir)
        self.upto = dict(own_upto)
        self._stamping = stamping  # whether the sync stamps this device's rows
        self._snapshot = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-export")
        self._future = self._pool.submit(self._prepare, store.path, store.client_id)
        self._future.add_done_callback(lambda _: self._snapshot.set())  # however it ends

    def _prepare(self, db: Path, me: str) -> _Body | None:
        c = None
        try:
            c = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, isolation_level=None)
            c.execute("BEGIN")  # one snapshot for every read below, taken by the first
            c.execute("SELECT 1 FROM reviews LIMIT 1").fetchone()
            self._snapshot.set()
            body = _body(c, me, self.upto, predicted=True, own=self._stamping)
            body.sha256  # noqa: B018 - worked out here, while the merge runs
            return body
        finally:
            self._snapshot.set()
            if c is not None:
                c.close()

    def started(self) -> None:
        """Wait until the snapshot is taken (the sync's transaction must not commit
        before: a row it had not stamped would be numbered here as the next sync does not)."""
        self._snapshot.wait()

    def __enter__(self) -> _ExportAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def result(self) -> _Body | None:
        try:
            return self._future.result()
        except Exception:  # noqa: BLE001 - (an old SQLite without JSON functions, say)
            return None  # the export reads after the merge instead
        finally:
            self._pool.shutdown()

    def close(self) -> None:
        """A sync that failed: the thread ends with its query, and nothing waits for it."""
        self._pool.shutdown(wait=False)


def _export(store: Store, own_dir: Path, report: SyncReport,
            ahead: _ExportAhead | None = None) -> Path | None:
    """This device's records not yet in its folder, as one new segment (prepared `ahead`
    where it could be)."""
    _clear_leftovers(own_dir)
    me = store.client_id
    body = ahead.result() if ahead is not None else None
    if ahead is not None and body is not None:
        segs, upto = ahead.segs, ahead.upto
    else:
        segs, upto = _own_upto(own_dir)
        try:
            body = _body(store.conn, me, upto)
        except sqlite3.Error as exc:
            raise SyncError(f"cannot read this device's news from {store.path}: {exc}; "
                            "nothing was lost, the next sync sends them") from None
    if not any(body.counts.values()):
        return None
    head = {"format": FORMAT, "version": VERSION, "device": me, "upto": body.upto,
            "from": {t: upto[t] + 1 for t in upto}}
    line = body.line
    data = b"\n".join([json.dumps(head).encode(), line,
                       json.dumps({"sha256": body.sha256}).encode()]) + b"\n"
    number = (segs[-1][0] + 1) if segs else 1
    try:
        own_dir.mkdir(exist_ok=True)
        path = own_dir / f"seg-{number:08d}.jsonl"
        if not _write_atomic(path, data):
            report.warnings.append(f"{path} appeared meanwhile (another sync?); "
                                   "this device's news go out next time")
            return None
    except OSError as exc:
        raise SyncError(f"cannot write to the sync folder {own_dir}: "
                        f"{exc.strerror or exc}; nothing was lost, the next sync sends it"
                        ) from None
    for t, n in body.counts.items():
        report.sent[t] = n
    return path


# -- settings: the newest change of each key wins ------------------------------------


def sync_settings(store: Store, folder: Path, home: Path,
                  at: datetime | None = None) -> list[str]:
    """Publish this device's changed settings and adopt newer ones; returns the keys
    changed here."""
    from study.clock import now
    from study.settings import (
        SETTINGS_FILE,
        read_settings_file,
        settings_text,
        write_settings_text,
    )

    me = store.client_id
    ts = to_ms(at or now())
    _, values = read_settings_file(home / SETTINGS_FILE)
    values = {k: v for k, v in values.items() if k not in LOCAL_SETTINGS}
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?",
                             (SETTINGS_META,)).fetchone()
    known: dict[str, list] = json.loads(row[0]) if row else {}
    # keys changed here since the last sync (a key removed from the file is not a change)
    for key, value in values.items():
        if key not in known or known[key][0] != value:
            known[key] = [value, ts, me]
    mine = {k: v for k, v in known.items() if v[2] == me}
    for entry in sorted(os.listdir(folder)):
        if entry == me or not _DEVICE.fullmatch(entry):
            continue
        try:
            theirs = json.loads((folder / entry / SETTINGS_NAME).read_bytes())
        except (OSError, ValueError):
            continue
        if not isinstance(theirs, dict):
            continue
        for key, v in theirs.items():
            if (isinstance(v, list) and len(v) == 3 and isinstance(v[1], int)
                    and key not in LOCAL_SETTINGS
                    and (key not in known or (v[1], v[2]) > (known[key][1], known[key][2]))):
                known[key] = v
    adopt = {k: v[0] for k, v in known.items() if values.get(k) != v[0]}
    if adopt:
        from study.settings import Settings

        try:  # a value this version cannot take is left out, not written
            Settings.from_dict({**values, **adopt}).validate()
        except (StudyError, TypeError, ValueError):
            adopt = {}
    if adopt:
        write_settings_text(home, settings_text(home, adopt))
    with store.transaction() as c:
        c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                  (SETTINGS_META, json.dumps(known)))
    mine = {k: v for k, v in known.items() if v[2] == me}
    data = json.dumps(mine, sort_keys=True).encode()
    path = folder / me / SETTINGS_NAME
    try:
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(exist_ok=True)
            tmp = path.with_name(f".{SETTINGS_NAME}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)  # this device's own file: replacing it is fine
    except OSError as exc:
        raise SyncError(f"cannot write to the sync folder {path.parent}: "
                        f"{exc.strerror or exc}") from None
    return sorted(adopt)


def auto_sync(study: Any) -> str | None:
    """The app's sync at start and on quit (a `study.core.Study`): nothing when sync_dir is
    not set; otherwise a sync whose problems come back as one line, never raised."""
    folder = getattr(study.settings, "sync_dir", "")
    if not folder:
        return None
    try:
        report = sync(study.store, check_dir(folder), study.home, study.now())
    except StudyError as exc:
        return f"sync failed: {exc}"
    except OSError as exc:
        return f"sync failed: {exc.strerror or exc}"
    if report.warnings:
        return f"sync: {report.warnings[0]}" + (
            f" (and {len(report.warnings) - 1} more)" if len(report.warnings) > 1 else "")
    return None
