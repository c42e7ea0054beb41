"""The review store: one SQLite file, an append-only log and derived item state.

Every write is its own `BEGIN IMMEDIATE` transaction, committed before the
call returns, so a grade is on disk before the next item can be shown, and
two processes on the same home serialise instead of losing updates.
"""

from __future__ import annotations

import contextlib
import json
import operator
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from itertools import tee
from pathlib import Path
from typing import Any

from study import dbfile, migrations
from study.clock import DayClock, to_ms
from study.errors import (
    DatabaseDamaged,
    StorageError,
    StoreError,
    StudyError,
    from_os_error,
)
from study.paths import DB_FILE
from study.scheduler import REVIEW, ItemState, Srs

FSRS_VERSION = "FSRS-6"  # the parameter sets this study schedules with (study.optimize)
ParamSwitch = tuple[int, str, list[float] | None]  # (after log id, kind, parameters)

UNDOABLE = frozenset(("grade", "suspend", "unsuspend", "bury", "unbury", "forget"))
QUICK_CHECK_BYTES = 4 << 20  # up to this size every open runs SQLite's full quick_check
PENDING_SETTINGS = "pending_settings"  # meta: settings text an import committed, to write
# The log's columns in the order of an export and of `Replay.feed_rows`.
LOG_COLUMNS = ("id", "item_id", "kind", "event", "rating", "ts", "day", "duration_ms",
               "client_id", "state_before", "undoes", "until_ms")
# The log rows as the replay reads them: in that order, the columns it does not use NULL.
_FIRST = operator.itemgetter(0)
REPLAY_SELECT = ("SELECT id, item_id, kind, event, rating, ts, NULL, NULL, NULL, NULL, NULL, "
                 "until_ms FROM reviews")
_STATE_COLS = (
    "item_id, kind, state, step, stability, difficulty, due_ms, last_review_ms, "
    "reps, lapses, suspended, buried_until_ms, leech"
)




@dataclass(frozen=True)
class GradeResult:
    review_id: int
    before: ItemState
    after: ItemState

    @property
    def became_leech(self) -> bool:
        return self.after.leech and not self.before.leech


@dataclass(frozen=True)
class LogEvent:
    id: int
    item_id: str
    kind: str
    event: str
    rating: int | None
    ts: int
    undoes: int | None
    until_ms: int | None


def _row_to_state(row: tuple) -> ItemState:
    return ItemState(
        item_id=row[0], kind=row[1], state=row[2], step=row[3], stability=row[4],
        difficulty=row[5], due_ms=row[6], last_review_ms=row[7], reps=row[8], lapses=row[9],
        suspended=bool(row[10]), buried_until_ms=row[11], leech=bool(row[12]),
    )


def _state_params(s: ItemState, last_event: int | None) -> tuple:
    return (
        s.item_id, s.kind, s.state, s.step, s.stability, s.difficulty, s.due_ms,
        s.last_review_ms, s.reps, s.lapses, int(s.suspended), s.buried_until_ms, int(s.leech),
        last_event,
    )


class Replay:
    """Item states from log rows fed in commit (id) order: one accumulator per item.

    `undone` holds the ids that an undo cancels; they must be known before the
    events they cancel are fed (an import without undos can feed rows as it reads).
    `switches` are the fitted parameter sets in adoption order (`Store.param_switches`):
    given them, the replay starts from the defaults and changes sets where live grading
    did; without them it uses `srs` as it is.
    """

    def __init__(self, srs: Srs, undone: set[int] | frozenset[int] = frozenset(),
                 switches: Sequence[ParamSwitch] = ()) -> None:
        self.srs = srs
        self.undone = undone
        self.items: dict[str, list] = {}  # item_id -> [accumulator, last event id]
        self._start, self._step = srs.fold_start, srs.fold_step
        self._switches = list(switches)
        self._folds: dict[str, object] | None = None
        self._next: int | None = None
        self._rows: list[tuple[Any, ...]] | None = None  # see rows()
        if self._switches:
            self._folds = {k: srs.fold_with(k, None) for k in ("card", "kata")}
            self._next = self._switches[0][0]

    def _switch(self, rid: int) -> None:
        """Adopt every set recorded before log id `rid`, for new and known items alike."""
        assert self._folds is not None
        while self._switches and self._switches[0][0] < rid:
            _, kind, params = self._switches.pop(0)
            fold = self._folds[kind] = self.srs.fold_with(kind, params)
            for acc, _ in self.items.values():
                if acc[0] == kind:
                    acc[1] = fold
        self._next = self._switches[0][0] if self._switches else None

    def feed_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """`feed` for many log rows in `LOG_COLUMNS` order (a rebuild, an import, a sync):
        the same steps, with the lookups hoisted out of a loop that runs per event."""
        ids, same = tee(rows)  # each row with its own first value, paired in C
        self._feed(zip(map(_FIRST, ids), same, strict=True))

    def feed_numbered(self, ids: Iterable[int], rows: Iterable[Sequence[Any]]) -> None:
        """`feed_rows` for rows whose log id is not their first value but the matching one
        of `ids` (a sync feeds the log as it will be, from rows in a segment record's
        layout, which has the item, kind, event, rating and time where a log row has them,
        and until_ms last)."""
        self._feed(zip(ids, rows, strict=True))

    def _feed(self, pairs: Iterable[tuple[int, Sequence[Any]]]) -> None:
        """The replay of (log id, row) pairs, a row's id aside (one loop for both: it runs
        per event)."""
        self._rows = None
        items, start, step, undone = self.items, self._start, self._step, self.undone
        folds = self._folds
        for rid, (_, item_id, kind, event, rating, ts, _, _, _, _, _, until_ms) in pairs:
            if self._next is not None and rid > self._next:
                self._switch(rid)
            entry = items.get(item_id)
            if entry is None:
                entry = items[item_id] = [start(kind), rid]
                if folds is not None:
                    entry[0][1] = folds[kind]
            else:
                entry[1] = rid
            if event != "undo" and rid not in undone:
                step(entry[0], event, rating, ts, until_ms)

    def feed(self, item_id: str, kind: str, event: str, rating: int | None, ts: int,
             until_ms: int | None, rid: int) -> None:
        self._rows = None
        if self._next is not None and rid > self._next:
            self._switch(rid)
        entry = self.items.get(item_id)
        if entry is None:
            entry = self.items[item_id] = [self._start(kind), rid]
            if self._folds is not None:
                entry[0][1] = self._folds[kind]
        entry[1] = rid
        if event != "undo" and rid not in self.undone:
            self._step(entry[0], event, rating, ts, until_ms)

    def rows(self) -> list[tuple[Any, ...]]:
        """The replayed states as item_state rows (worked out once: a sync does it while
        another thread still rewrites the log)."""
        if self._rows is None:
            out = []
            for item_id, (acc, last) in self.items.items():
                state = self.srs.fold_end(item_id, acc)
                if state is not None:
                    out.append(_state_params(state, last))
            self._rows = out
        return self._rows

    def write(self, store: Store, c: sqlite3.Connection) -> int:
        """Replace item_state with the replayed states; returns how many."""
        if self._folds is None and store.param_switches(c):
            # fed without the logged parameter sets (an import): replay as rebuild does
            return store._rebuild_in(c)
        c.execute("DELETE FROM item_state")
        out = self.rows()
        store._put_many(c, out)
        return len(out)


class Superseded(StoreError):
    """Another session recorded the item first: nothing was saved; show the next one."""

    exit_code = 1


class Store:
    def __init__(self, path: Path, srs: Srs, day_clock: DayClock) -> None:
        self.path = Path(path)
        self._srs = srs
        self._params_mark: int | None = -1  # the newest fsrs_params id applied to srs
        self.days = day_clock
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not os.path.lexists(self.path):
                if dbfile.expected_but_missing(self.path):
                    raise DatabaseDamaged(dbfile.damaged_message(
                        self.path, "is missing, but its backups are here").replace(
                        "(the damaged file is kept aside)",
                        f"or move {self.path.parent / dbfile.BACKUP_DIR} aside to start afresh"))
                _create(self.path)
            problem = dbfile.file_problem(self.path)
            if problem is not None:
                raise DatabaseDamaged(dbfile.damaged_message(self.path, problem))
            # check_same_thread off: the TUI opens the store in a worker thread and uses it
            # from the UI thread; calls are never concurrent (one owner at a time).
            # mode=rw: a database that vanished is an error, never silently a new one.
            self.conn = sqlite3.connect(f"{self.path.as_uri()}?mode=rw", uri=True,
                                        isolation_level=None, timeout=30.0,
                                        check_same_thread=False)
        except OSError as exc:
            raise from_os_error(exc, "cannot open the study home at") from None
        except sqlite3.Error as exc:
            raise explain(exc, self.path) from None
        try:
            self.conn.execute("PRAGMA busy_timeout = 30000")
            # The quick check of every open: the header (above) and the schema. SQLite's
            # full quick_check reads every page (about a second on a big home), so it runs
            # with the daily backup (`verify`) and `study db check`; damage a later query
            # finds is reported the same way (`explain`).
            self.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            if self.path.stat().st_size <= QUICK_CHECK_BYTES:  # a few milliseconds
                problem = dbfile.check_connection(self.conn)
                if problem is not None:
                    raise DatabaseDamaged(dbfile.damaged_message(self.path, problem))
            self._enable_wal()
            # FULL: a committed grade survives power loss, not only a crash.
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            migrations.migrate(self.conn)
            self._sync_params(self.conn)
            self.client_id = self._client_id()
            self.finished_import = self.finish_pending_settings()
        except sqlite3.Error as exc:
            self.conn.close()
            raise explain(exc, self.path) from None
        except BaseException:
            self.conn.close()
            raise

    @classmethod
    def reader(cls, path: Path, srs: Srs, day_clock: DayClock) -> Store:
        """A read-only view of an existing home at the current schema (the app's preview of
        today, in a second process): nothing is created, migrated or written. Raises
        sqlite3.Error where the home is missing, older or newer."""
        self = cls.__new__(cls)
        self.path = Path(path)
        self._srs = srs
        self._params_mark = -1
        self.days = day_clock
        self.conn = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True,
                                    isolation_level=None, check_same_thread=False)
        try:
            if migrations.version(self.conn) != migrations.LATEST:
                raise sqlite3.OperationalError("the database is not at the current schema")
            self._sync_params(self.conn)
        except BaseException:
            self.conn.close()
            raise
        self.client_id = ""  # never writes
        self.finished_import = False
        return self

    @property
    def srs(self) -> Srs:
        return self._srs

    @srs.setter
    def srs(self, srs: Srs) -> None:
        """A new scheduler (settings changed) gets the fitted parameters in force."""
        self._srs, self._params_mark = srs, -1
        self._sync_params(self.conn)

    # -- fitted FSRS parameters (study.optimize) -------------------------------------

    def param_switches(self, c: sqlite3.Connection | None = None) -> list[ParamSwitch]:
        """Every adopted parameter set in order; a set for another FSRS version (or one
        that does not parse) counts as the defaults here."""
        out: list[ParamSwitch] = []
        for after, kind, version, text in (c or self.conn).execute(
                "SELECT after_review, kind, fsrs_version, parameters FROM fsrs_params "
                # by the log position they follow; sets synced from other devices
                # (study.sync) tie-break alike everywhere
                "ORDER BY after_review, ts, client_id, id"):
            out.append((int(after), str(kind), _param_list(version, text)))
        return out

    def _sync_params(self, c: sqlite3.Connection) -> None:
        """Schedule with the newest sets (another process may have adopted one since)."""
        mark = c.execute("SELECT MAX(id) FROM fsrs_params").fetchone()[0]
        if mark == self._params_mark:
            return
        latest: dict[str, list[float] | None] = {"card": None, "kata": None}
        for _, kind, params in self.param_switches(c):
            latest[kind] = params
        for kind, params in latest.items():
            self._srs.set_parameters(kind, params)
        self._params_mark = mark

    def adopt_parameters(self, kind: str, parameters: Sequence[float] | None, at: datetime,
                         reviews: int = 0, evaluation: dict | None = None,
                         reverts: int | None = None) -> int:
        """Log a parameter set for `kind`, in force for every later grade; returns its id."""
        with self.transaction() as c:
            after = c.execute("SELECT COALESCE(MAX(id), 0) FROM reviews").fetchone()[0]
            cur = c.execute(
                "INSERT INTO fsrs_params (kind, after_review, ts, fsrs_version, parameters, "
                "reverts, reviews, evaluation, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, after, to_ms(at), FSRS_VERSION,
                 json.dumps([float(p) for p in parameters]) if parameters is not None else None,
                 reverts, reviews, json.dumps(evaluation) if evaluation else None,
                 self.client_id))
            self._params_mark = -1
            self._sync_params(c)
            return int(cur.lastrowid or 0)

    def parameter_history(self, kind: str) -> list[tuple[int, int, list[float] | None, int | None,
                                                         int, dict | None]]:
        """(id, ts, parameters, reverts, reviews, evaluation) of `kind`'s sets, oldest first."""
        return [(r[0], r[1], _param_list(r[2], r[3]), r[4], r[5],
                 json.loads(r[6]) if r[6] else None) for r in self.conn.execute(
            "SELECT id, ts, fsrs_version, parameters, reverts, reviews, evaluation "
            "FROM fsrs_params WHERE kind = ? ORDER BY id", (kind,))]

    def verify(self) -> None:
        """SQLite's quick_check of every page; DatabaseDamaged (naming a backup) if it fails."""
        try:
            problem = dbfile.check_connection(self.conn)
        except sqlite3.Error as exc:
            raise explain(exc, self.path) from None
        if problem is not None:
            raise DatabaseDamaged(dbfile.damaged_message(self.path, problem))

    def finish_pending_settings(self) -> bool:
        """Write the settings an import committed with its history (a kill may have come
        between the commit and the file); True if there were any."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?",
                                (PENDING_SETTINGS,)).fetchone()
        if row is None:
            return False
        from study.settings import write_settings_text

        write_settings_text(self.path.parent, str(row[0]))
        with self.transaction() as c:
            c.execute("DELETE FROM meta WHERE key = ?", (PENDING_SETTINGS,))
        return True

    def _enable_wal(self) -> None:
        """Switch to WAL; the switch can report 'locked' without waiting, so retry."""
        deadline = time.monotonic() + 30
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write, all or nothing; a failure is a StudyError that says nothing was saved."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise explain(exc, self.path) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise explain(exc, self.path) from None
            raise

    def _client_id(self) -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'client_id'").fetchone()
        if row:
            return str(row[0])
        new = uuid.uuid4().hex[:12]
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('client_id', ?)", (new,))
            value = c.execute("SELECT value FROM meta WHERE key = 'client_id'").fetchone()[0]
        return str(value)

    # -- reading -----------------------------------------------------------------

    def state(self, item_id: str, kind: str = "card") -> ItemState:
        row = self.conn.execute(
            f"SELECT {_STATE_COLS} FROM item_state WHERE item_id = ?", (item_id,)
        ).fetchone()
        return _row_to_state(row) if row else ItemState(item_id, kind)

    def states(self) -> dict[str, ItemState]:
        rows = self.conn.execute(f"SELECT {_STATE_COLS} FROM item_state").fetchall()
        return {r[0]: _row_to_state(r) for r in rows}

    def day_number(self, at: datetime) -> int:
        return self.days.day_of(at).toordinal()

    # -- writing -----------------------------------------------------------------

    def _append(
        self, c: sqlite3.Connection, item_id: str, kind: str, event: str, at: datetime, *,
        rating: int | None = None, duration_ms: int | None = None,
        state_before: int | None = None, undoes: int | None = None, until_ms: int | None = None,
    ) -> int:
        cur = c.execute(
            "INSERT INTO reviews (item_id, kind, event, rating, ts, day, duration_ms, client_id,"
            " state_before, undoes, until_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item_id, kind, event, rating, to_ms(at), self.day_number(at), duration_ms,
             self.client_id, state_before, undoes, until_ms),
        )
        return int(cur.lastrowid or 0)

    def _put(self, c: sqlite3.Connection, s: ItemState, last_event: int | None) -> None:
        c.execute(
            f"INSERT OR REPLACE INTO item_state ({_STATE_COLS}, last_event) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _state_params(s, last_event),
        )

    def grade(
        self, item_id: str, kind: str, rating: int, at: datetime, duration_ms: int | None = None,
        unchanged_since: int | None = None, own: frozenset[int] = frozenset(),
    ) -> GradeResult:
        """Log a grade and update the item's state; committed when this returns.

        With `unchanged_since` (a log id), the grade is refused with `Superseded` if
        another session recorded anything for the item after that id (ids in `own` are
        this session's): the same card shown in two windows is graded once.
        """
        with self.transaction() as c:
            if unchanged_since is not None:
                self._check_unchanged(c, item_id, unchanged_since, own)
            self._sync_params(c)
            before = self._state_in(c, item_id, kind)
            after = self.srs.apply(before, "grade", at, rating=rating)
            rid = self._append(c, item_id, kind, "grade", at, rating=rating,
                               duration_ms=duration_ms, state_before=before.state)
            self._put(c, after, rid)
        return GradeResult(rid, before, after)

    def _check_unchanged(self, c: sqlite3.Connection, item_id: str, since: int,
                         own: frozenset[int]) -> None:
        for (rid,) in c.execute("SELECT id FROM reviews WHERE item_id = ? AND id > ?",
                                (item_id, since)):
            if rid not in own:
                raise Superseded(f"{item_id} was just recorded by another study session; "
                                 "this grade was not saved again")

    def changed_since(self, item_id: str, since: int, own: frozenset[int] = frozenset()
                      ) -> bool:
        """Whether anything not in `own` was logged for the item after log id `since`."""
        return any(rid not in own for (rid,) in self.conn.execute(
            "SELECT id FROM reviews WHERE item_id = ? AND id > ?", (item_id, since)))

    def last_id(self) -> int:
        """The newest log id (0 for an empty log): a mark for `changed_since`."""
        row = self.conn.execute("SELECT MAX(id) FROM reviews").fetchone()
        return int(row[0] or 0)

    def action(
        self, item_id: str, kind: str, event: str, at: datetime, until_ms: int | None = None
    ) -> ItemState:
        """Suspend, unsuspend, bury (until `until_ms`), unbury or forget an item."""
        return self.act(item_id, kind, event, at, until_ms)[1]

    def act(
        self, item_id: str, kind: str, event: str, at: datetime, until_ms: int | None = None
    ) -> tuple[int, ItemState]:
        """`action`, also returning the log id (for undo)."""
        if event not in UNDOABLE or event == "grade":
            raise StoreError(f"unknown action {event!r}")
        with self.transaction() as c:
            self._sync_params(c)
            before = self._state_in(c, item_id, kind)
            after = self.srs.apply(before, event, at, until_ms=until_ms)
            rid = self._append(c, item_id, kind, event, at, until_ms=until_ms)
            self._put(c, after, rid)
        return rid, after

    def undo(self, review_id: int, at: datetime) -> ItemState:
        """Cancel a grade or an action (suspend, bury, forget, ...); the item's state becomes
        what its remaining history gives."""
        with self.transaction() as c:
            row = c.execute(
                "SELECT item_id, kind, event FROM reviews WHERE id = ?", (review_id,)
            ).fetchone()
            if row is None or row[2] not in UNDOABLE:
                raise StoreError(f"no grade or action with id {review_id} to undo")
            if c.execute("SELECT 1 FROM reviews WHERE undoes = ?", (review_id,)).fetchone():
                raise StoreError(f"{row[2]} {review_id} is already undone")
            item_id, kind = row[0], row[1]
            uid = self._append(c, item_id, kind, "undo", at, undoes=review_id)
            events = self._events(c, "WHERE item_id = ?", (item_id,))
            self._sync_params(c)
            state = self._fold(item_id, kind, events, c)
            if state is None:
                c.execute("DELETE FROM item_state WHERE item_id = ?", (item_id,))
                return ItemState(item_id, kind)
            self._put(c, state, uid)
            return state

    def _state_in(self, c: sqlite3.Connection, item_id: str, kind: str) -> ItemState:
        row = c.execute(
            f"SELECT {_STATE_COLS} FROM item_state WHERE item_id = ?", (item_id,)
        ).fetchone()
        return _row_to_state(row) if row else ItemState(item_id, kind)

    # -- the log -------------------------------------------------------------------

    def _events(self, c: sqlite3.Connection, where: str = "", params: tuple = ()) -> list[LogEvent]:
        rows = c.execute(
            "SELECT id, item_id, kind, event, rating, ts, undoes, until_ms FROM reviews "
            f"{where} ORDER BY id", params,
        ).fetchall()
        return [LogEvent(*r) for r in rows]

    def _fold(self, item_id: str, kind: str, events: list[LogEvent],
              c: sqlite3.Connection | None = None) -> ItemState | None:
        """Replay one item's events (undone grades skipped). None if nothing remains."""
        undone = {e.undoes for e in events if e.event == "undo"}
        switches = self.param_switches(c)
        if not switches:
            return self.srs.fold(item_id, kind, [
                (e.event, e.rating, e.ts, e.until_ms) for e in events
                if e.event != "undo" and e.id not in undone])
        # the parameter sets in force when each grade was logged, as the rebuild has them
        replay = Replay(self.srs, {u for u in undone if u is not None}, switches)
        for e in events:
            replay.feed(item_id, kind, e.event, e.rating, e.ts, e.until_ms, e.id)
        entry = replay.items.get(item_id)
        return self.srs.fold_end(item_id, entry[0]) if entry is not None else None

    def rebuild(self) -> int:
        """Recreate `item_state` from the log; returns the number of items."""
        with self.transaction() as c:
            return self._rebuild_in(c)

    def _rebuild_in(self, c: sqlite3.Connection) -> int:
        """The rebuild inside the caller's transaction: one pass over the log in commit
        order, one small accumulator per item, so memory stays flat however long the log."""
        undone = {r[0] for r in c.execute(
            "SELECT undoes FROM reviews WHERE undoes IS NOT NULL")}
        c.execute("DELETE FROM item_state")
        self._sync_params(c)  # a log without sets replays with what srs holds: the defaults
        replay = Replay(self.srs, undone, self.param_switches(c))
        replay.feed_rows(c.execute(f"{REPLAY_SELECT} ORDER BY id"))
        return replay.write(self, c)

    def _put_many(self, c: sqlite3.Connection, params: list[tuple]) -> None:
        c.executemany(
            f"INSERT OR REPLACE INTO item_state ({_STATE_COLS}, last_event) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", params)

    # -- queries for planning and stats -----------------------------------------------

    # Grades not undone. NOT IN over the (small, indexed) set of undone ids is
    # computed once per query; a correlated NOT EXISTS costs a lookup per row.
    _LIVE_GRADES = (
        "event = 'grade' AND id NOT IN (SELECT undoes FROM reviews WHERE undoes IS NOT NULL)"
    )

    def graded_today(self, day: date) -> dict[str, tuple[int, int]]:
        """item_id -> (grades today, state before its first grade today), undone excluded."""
        rows = self.conn.execute(
            f"SELECT item_id, COUNT(*), MIN(id) FROM reviews WHERE day = ? AND {self._LIVE_GRADES}"
            " GROUP BY item_id", (day.toordinal(),),
        ).fetchall()
        first = {}
        if rows:
            ids = [r[2] for r in rows]
            for chunk in range(0, len(ids), 500):
                part = ids[chunk:chunk + 500]
                marks = ",".join("?" * len(part))
                for rid, sb in self.conn.execute(
                    f"SELECT id, state_before FROM reviews WHERE id IN ({marks})", part
                ):
                    first[rid] = sb
        return {r[0]: (r[1], first.get(r[2], REVIEW)) for r in rows}

    def count_grades(self, day: date | None = None) -> int:
        if day is None:
            q = f"SELECT COUNT(*) FROM reviews WHERE {self._LIVE_GRADES}"
            return int(self.conn.execute(q).fetchone()[0])
        q = f"SELECT COUNT(*) FROM reviews WHERE day = ? AND {self._LIVE_GRADES}"
        return int(self.conn.execute(q, (day.toordinal(),)).fetchone()[0])

    def study_days(self, since_day: int = 0) -> list[int]:
        """Distinct study days (ordinals) with at least one live grade, newest first."""
        rows = self.conn.execute(
            f"SELECT DISTINCT day FROM reviews WHERE day >= ? AND {self._LIVE_GRADES} "
            "ORDER BY day DESC", (since_day,)).fetchall()
        return [r[0] for r in rows]

    def retention(self, since_day: int) -> tuple[int, int]:
        """(passed, total) of grades of items in review state since a day: true retention."""
        row = self.conn.execute(
            f"SELECT COALESCE(SUM(rating > 1), 0), COUNT(*) FROM reviews WHERE day >= ? "
            f"AND state_before = ? AND {self._LIVE_GRADES}", (since_day, REVIEW),
        ).fetchone()
        return int(row[0]), int(row[1])

    def grades_per_day(self, since_day: int) -> dict[int, int]:
        """day ordinal -> live grades that day, from a day on."""
        rows = self.conn.execute(
            f"SELECT day, COUNT(*) FROM reviews WHERE day >= ? AND {self._LIVE_GRADES} "
            "GROUP BY day", (since_day,)).fetchall()
        return {int(d): int(n) for d, n in rows}

    def review_outcomes(self, since_day: int) -> dict[str, tuple[int, int]]:
        """item_id -> (passed, total) of its grades in review state since a day."""
        rows = self.conn.execute(
            # by day first: a recent window is a small part of the log
            f"SELECT item_id, COALESCE(SUM(rating > 1), 0), COUNT(*) FROM reviews "
            f"INDEXED BY reviews_day_event "
            f"WHERE day >= ? AND state_before = ? AND {self._LIVE_GRADES} GROUP BY item_id",
            (since_day, REVIEW)).fetchall()
        return {r[0]: (int(r[1]), int(r[2])) for r in rows}

    def attempt_counts(self) -> dict[str, tuple[int, int]]:
        """kata_id -> (passed attempts, all attempts)."""
        rows = self.conn.execute(
            "SELECT kata_id, SUM(status = 'passed'), COUNT(*) FROM attempts GROUP BY kata_id"
        ).fetchall()
        return {r[0]: (int(r[1]), int(r[2])) for r in rows}

    def session_grades(self, since_ms: int) -> list[tuple[str, int, int | None]]:
        """(item_id, rating, duration_ms) of live grades since a time, oldest first."""
        return [(r[0], int(r[1]), r[2]) for r in self.conn.execute(
            f"SELECT item_id, rating, duration_ms FROM reviews WHERE ts >= ? AND "
            f"{self._LIVE_GRADES} ORDER BY id", (since_ms,))]

    def mean_duration_ms(self, new: bool) -> float | None:
        """Typical answer time (median of the last 500) for new or seen items."""
        cond = "state_before = 0" if new else "state_before > 0"
        rows = self.conn.execute(
            f"SELECT duration_ms FROM reviews WHERE event = 'grade' AND kind = 'card' AND {cond}"
            " AND duration_ms IS NOT NULL ORDER BY id DESC LIMIT 500"
        ).fetchall()
        if not rows:
            return None
        vals = sorted(min(r[0], 120_000) for r in rows)  # a walk away is not a 20-min review
        return float(vals[len(vals) // 2])

    def last_live_action(self, day: int, client_id: str) -> int | None:
        """This client's newest grade or action of a day that is not undone."""
        row = self.conn.execute(
            "SELECT MAX(id) FROM reviews WHERE day = ? AND client_id = ? AND event != 'undo' "
            "AND id NOT IN (SELECT undoes FROM reviews WHERE undoes IS NOT NULL)",
            (day, client_id)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def last_live_grade(self, day: int, client_id: str) -> int | None:
        row = self.conn.execute(
            f"SELECT MAX(id) FROM reviews WHERE day = ? AND client_id = ? AND {self._LIVE_GRADES}",
            (day, client_id),
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def event(self, review_id: int) -> LogEvent:
        events = self._events(self.conn, "WHERE id = ?", (review_id,))
        if not events:
            raise StoreError(f"no event with id {review_id}")
        return events[0]

    def history(self, item_id: str) -> list[LogEvent]:
        return self._events(self.conn, "WHERE item_id = ?", (item_id,))

    # -- katas: attempts, hints, starts -------------------------------------------------

    def record_attempt(self, kata_id: str, at: datetime, status: str, hints_used: int,
                       duration_ms: int | None, device: str, solution: str,
                       review_id: int | None = None) -> int:
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO attempts (kata_id, ts, status, hints_used, duration_ms, device, "
                "solution, review_id, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kata_id, to_ms(at), status, hints_used, duration_ms, device, solution,
                 review_id, self.client_id),
            )
            return int(cur.lastrowid or 0)

    def link_attempt(self, attempt_id: int, review_id: int) -> None:
        with self.transaction() as c:
            c.execute("UPDATE attempts SET review_id = ? WHERE id = ?", (review_id, attempt_id))

    def attempts(self, kata_id: str, since_ms: int = 0) -> list[tuple[int, int, str, int]]:
        """(id, ts, status, hints_used) of a kata's attempts since a time, oldest first."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT id, ts, status, hints_used FROM attempts WHERE kata_id = ? AND ts >= ? "
            "ORDER BY id", (kata_id, since_ms))]  # type: ignore[misc]

    def attempt_for_review(self, review_id: int) -> int | None:
        row = self.conn.execute("SELECT id FROM attempts WHERE review_id = ?",
                                (review_id,)).fetchone()
        return int(row[0]) if row else None

    def record_hint(self, kata_id: str, number: int, at: datetime) -> None:
        """Number 0 marks that work on the kata started (`study kata start`)."""
        with self.transaction() as c:
            c.execute("INSERT INTO hints (kata_id, ts, number) VALUES (?, ?, ?)",
                      (kata_id, to_ms(at), number))

    def hint_events(self, kata_id: str, since_ms: int = 0) -> list[tuple[int, int]]:
        """(ts, number) of hint reveals (and starts, number 0) since a time."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT ts, number FROM hints WHERE kata_id = ? AND ts >= ? ORDER BY id",
            (kata_id, since_ms))]  # type: ignore[misc]

    def kata_grade_today(self, kata_id: str, day: int) -> int | None:
        row = self.conn.execute(
            f"SELECT MAX(id) FROM reviews WHERE item_id = ? AND day = ? AND {self._LIVE_GRADES}",
            (kata_id, day)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    # -- backups -------------------------------------------------------------------

    def backup_to(self, dest: Path) -> Path:
        """An online, consistent copy (SQLite backup API) to `dest`, verified; no partial file
        is ever left behind."""
        dest = Path(dest)
        tmp = dest.with_name(f"{dest.name}.{os.getpid()}.part")  # two processes may race
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(tmp)
            try:
                self.conn.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                target.close()
            problem = dbfile.inspect_backup(tmp).problem
            if problem is not None:
                raise StoreError(f"the backup {tmp} {problem}; it was not kept")
            tmp.replace(dest)
        except OSError as exc:
            raise from_os_error(exc, "cannot write backup") from None
        except sqlite3.Error as exc:
            raise explain(exc, tmp) from None
        finally:
            tmp.unlink(missing_ok=True)
        return dest


def _param_list(version: str, text: str | None) -> list[float] | None:
    if version != FSRS_VERSION or text is None:
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return None
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS as LOW
    from fsrs.scheduler import UPPER_BOUNDS_PARAMETERS as HIGH

    # A set the scheduler would refuse counts as the defaults, here and in every replay.
    if not isinstance(values, list) or len(values) != len(LOW) or not all(
            isinstance(v, int | float) and lo <= v <= hi
            for v, lo, hi in zip(values, LOW, HIGH, strict=False)):
        return None
    return [float(v) for v in values]


def _create(path: Path) -> None:
    """A new database appears whole or not at all: built aside, then linked into place.

    So an empty file at `path` is never a legitimate state, and a zero-byte
    database always means damage, never a new user.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            migrations.migrate(conn)
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
        except OSError:
            # No hard links (some file systems): a rename is atomic too, only racier.
            if not os.path.lexists(path):
                os.replace(tmp, path)
    finally:
        for extra in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            extra.unlink(missing_ok=True)


def _unwritable_reason(path: Path) -> str:
    folder = path.parent if not path.is_dir() else path
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "the file system is read-only"
    except OSError:
        pass
    if not folder.exists():
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return "permission denied (not writable by you)"
    return "it cannot be written"


_FULL, _IOERR, _READONLY, _CANTOPEN, _PERM, _BUSY, _LOCKED = 13, 10, 8, 14, 3, 5, 6


def _nearly_full(path: Path | None) -> bool:
    folder = path.parent if path is not None else None
    if folder is None:
        return False
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 256 * 1024


def explain(exc: sqlite3.Error, path: Path | None) -> StudyError:
    """An SQLite failure as one line in plain words (and the right StudyError)."""
    text = str(exc)
    low = text.lower()
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    where = str(path) if path else "the review database"
    unsaved = "Nothing of this action was saved; every earlier grade is"
    if primary == _FULL or "disk is full" in low or (
            (primary == _IOERR or "disk i/o" in low) and _nearly_full(path)):
        return StorageError(f"cannot save to {where}: the disk is full. {unsaved}. "
                            "Free some space and retry")
    if primary in (_READONLY, _CANTOPEN, _PERM) or "readonly" in low or "unable to open" in low:
        reason = _unwritable_reason(path) if path else "it cannot be written"
        return StorageError(f"cannot write {where}: {reason}. {unsaved}")
    if primary == _IOERR or "disk i/o error" in low:
        return StorageError(
            f"{where}: disk I/O error: the disk failed, or a file beside the database "
            f"({DB_FILE}-wal) was removed while study ran. Close every study window, then "
            "run `study db check`")
    if primary in (_BUSY, _LOCKED) or "locked" in low:
        return StoreError(f"{where} is busy: another study process has held it for 30 s. "
                          "Close it and retry")
    if dbfile.is_corruption(exc):
        if path is not None:
            return DatabaseDamaged(dbfile.damaged_message(path, f"is damaged ({text})"))
        return DatabaseDamaged(f"the review database is damaged ({text})")
    return StoreError(f"{where}: database error: {text}")
