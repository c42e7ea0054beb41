"""`study export json` / `study import json`: all content and the review history as JSON.

The history (the review log, kata attempts, hints, the export memory, the client
id) and the settings restore a home exactly; item states are rebuilt from the
log. The content is included for other tools; on import it comes from the files.

Import is all or nothing: the file is streamed (constant memory), every row is
checked (types, ranges, references) and written inside one transaction that
also rebuilds the state and records the settings to write; any problem rolls
it all back. The settings file is written after the commit from a note kept in
the database, so a kill between the two is finished by the next open.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import operator
import sqlite3
from array import array
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from study import __version__
from study.bulk import bulk_mode, checks_after, indexes_deferred, insert_many
from study.clock import EARLIEST, LATEST, to_ms
from study.core import Study
from study.errors import ExchangeError, SettingsError
from study.jsonstream import JsonProblem, JsonStream
from study.settings import Settings, load_settings, settings_text
from study.store import LOG_COLUMNS, PENDING_SETTINGS, Replay

FORMAT = "study-export"
VERSION = 1
TABLES: dict[str, tuple[str, ...]] = {
    "reviews": LOG_COLUMNS,
    "attempts": ("id", "kata_id", "ts", "status", "hints_used", "duration_ms", "device",
                 "solution", "review_id", "client_id"),
    "hints": ("id", "kata_id", "ts", "number"),
    "anki_export": ("key", "hash", "mod"),
}
MAX_PROBLEMS = 30
MAX_BYTES = 4 << 30
MAX_DEPTH = 64


class ImportProblems(ExchangeError):
    """The file has problems; `problems` lists them (JSON path: what is wrong)."""

    def __init__(self, source: str, problems: list[str], total: int) -> None:
        more = f" (the first {len(problems)} shown)" if total > len(problems) else ""
        super().__init__(f"{source}: {total} problem(s){more}; nothing was imported")
        self.problems = problems


# -- export ----------------------------------------------------------------------------


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if f.name not in ("ref", "folder")}
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    return obj


def write_export(study: Study, out: IO[str]) -> None:
    """Write the export, row by row (memory stays flat however long the history)."""
    c = study.content
    conn = study.store.conn
    head = {
        "format": FORMAT, "version": VERSION, "study_version": __version__,
        "exported_at": study.now().isoformat(),
        # The settings file's values, not STUDY_* overrides of this shell.
        "settings": load_settings(study.home, environ={}).to_dict(),
        "content": {"tracks": _plain(c.tracks), "topics": _plain(c.topics),
                    "cards": _plain(c.cards), "katas": _plain(c.katas)},
    }
    text = json.dumps(head, ensure_ascii=False, indent=1)
    out.write(text[:-2] + ',\n "history": {\n')
    for name, cols in TABLES.items():
        out.write(f'  "{name}": [')
        sep = "\n"
        for row in conn.execute(f"SELECT {', '.join(cols)} FROM {name} ORDER BY {cols[0]}"):
            out.write(sep + "   " + json.dumps(dict(zip(cols, row, strict=True)),
                                                ensure_ascii=False))
            sep = ",\n"
        out.write("\n  ],\n" if sep != "\n" else "],\n")
    out.write(f'  "client_id": {json.dumps(study.store.client_id)}\n }}\n}}\n')


def export_data(study: Study) -> dict[str, Any]:
    """The export as one object (small homes, tests)."""
    import io

    buf = io.StringIO()
    write_export(study, buf)
    data: dict[str, Any] = json.loads(buf.getvalue())
    return data


# -- import: checking rows ----------------------------------------------------------------

_MS_MIN, _MS_MAX = to_ms(EARLIEST), to_ms(LATEST)
_DAY_MIN, _DAY_MAX = EARLIEST.date().toordinal() - 1, LATEST.date().toordinal()
_EVENTS = frozenset(("grade", "undo", "suspend", "unsuspend", "bury", "unbury", "forget"))
_STATUSES = frozenset(("passed", "failed", "error", "timeout", "oom"))


def _int(v: Any, lo: int, hi: int) -> bool:
    return type(v) is int and lo <= v <= hi


def _opt_int(v: Any, lo: int, hi: int) -> bool:
    return v is None or (type(v) is int and lo <= v <= hi)


def _text(v: Any, most: int) -> bool:
    return type(v) is str and 0 < len(v) <= most


_REVIEW_VALUES = operator.itemgetter(*TABLES["reviews"])
_REVIEW_KEYS = frozenset(TABLES["reviews"])


def _review_problem(r: dict[str, Any]) -> str | None:
    if not _int(r["id"], 1, 2**62):
        return "id: must be a positive whole number"
    if not _text(r["item_id"], 300):
        return "item_id: must be a non-empty string"
    if r["kind"] not in ("card", "kata"):
        return f"kind: must be \"card\" or \"kata\", not {_show(r['kind'])}"
    event = r["event"]
    if type(event) is not str or event not in _EVENTS:
        return f"event: unknown event {_show(event)}"
    rating = r["rating"]
    if event == "grade":
        if not _int(rating, 1, 4):
            return f"rating: must be 1-4 for a grade, not {_show(rating)}"
    elif rating is not None:
        return f"rating: must be null for a {event} event"
    if not _int(r["ts"], _MS_MIN, _MS_MAX):
        return f"ts: must be milliseconds since 1970 (years 1970-8999), not {_show(r['ts'])}"
    if not _int(r["day"], _DAY_MIN, _DAY_MAX):
        return f"day: must be a date ordinal, not {_show(r['day'])}"
    if not _opt_int(r["duration_ms"], 0, 2**40):
        return f"duration_ms: must be null or milliseconds, not {_show(r['duration_ms'])}"
    if not _text(r["client_id"], 100):
        return "client_id: must be a non-empty string"
    if not _opt_int(r["state_before"], 0, 3):
        return f"state_before: must be null or 0-3, not {_show(r['state_before'])}"
    undoes = r["undoes"]
    if event == "undo":
        if not _int(undoes, 1, 2**62):
            return "undoes: an undo must name the id of the grade it undoes"
    elif undoes is not None:
        return f"undoes: must be null for a {event} event"
    if not _opt_int(r["until_ms"], _MS_MIN, _MS_MAX):
        return f"until_ms: must be null or milliseconds, not {_show(r['until_ms'])}"
    return None


def _check_kata_row(r: dict[str, Any]) -> str | None:
    """What attempts and hint reveals have in common: an id, a kata, a time."""
    if not _int(r["id"], 1, 2**62):
        return "id: must be a positive whole number"
    if not _text(r["kata_id"], 300):
        return "kata_id: must be a non-empty string"
    if not _int(r["ts"], _MS_MIN, _MS_MAX):
        return f"ts: must be milliseconds since 1970, not {_show(r['ts'])}"
    return None


def _check_attempt(r: dict[str, Any]) -> str | None:
    bad = _check_kata_row(r)
    if bad is not None:
        return bad
    if r["status"] not in _STATUSES:
        return f"status: must be one of {', '.join(sorted(_STATUSES))}"
    if not _int(r["hints_used"], 0, 1000):
        return "hints_used: must be a whole number 0-1000"
    if not _opt_int(r["duration_ms"], 0, 2**40):
        return "duration_ms: must be null or milliseconds"
    for key in ("device", "solution"):
        if r[key] is not None and type(r[key]) is not str:
            return f"{key}: must be null or a string"
    if not _opt_int(r["review_id"], 1, 2**62):
        return "review_id: must be null or a review id"
    if not _text(r["client_id"], 100):
        return "client_id: must be a non-empty string"
    return None


def _check_hint(r: dict[str, Any]) -> str | None:
    bad = _check_kata_row(r)
    if bad is not None:
        return bad
    if not _int(r["number"], 0, 1000):
        return "number: must be a whole number 0-1000"
    return None


def _check_anki(r: dict[str, Any]) -> str | None:
    if not _text(r["key"], 500):
        return "key: must be a non-empty string"
    if not _text(r["hash"], 500):
        return "hash: must be a non-empty string"
    if not _int(r["mod"], 0, 2**40):
        return "mod: must be seconds since 1970"
    return None


CHECKS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "reviews": _review_problem, "attempts": _check_attempt, "hints": _check_hint,
    "anki_export": _check_anki,
}


def _show(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False) if not isinstance(v, float | int) or \
        isinstance(v, bool) else repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


# -- import: the whole file --------------------------------------------------------------


BATCH = 5000  # good rows handed on at a time


class _LogColumns:
    """What the replay needs of each imported log row, in about 25 bytes (arrays), so the
    replay can run after the file is read, while SQLite builds the log's indexes on
    another thread. Grades are the common case; other events are kept aside."""

    def __init__(self) -> None:
        self.rid = array("q")
        self.item = array("q")  # index into `pairs`
        self.rating = array("b")  # 0: not a grade (the event is in `other`)
        self.ts = array("q")
        self.pairs: list[tuple[str, str]] = []  # (item_id, kind)
        self.index = _Numbering(self.pairs)
        self.other: dict[int, tuple[str, int | None]] = {}  # position: (event, until_ms)

    def add(self, rows: list[tuple]) -> None:
        """Append checked rows (in `TABLES["reviews"]` order), mostly in C."""
        events = list(map(_EVENT, rows))
        n = len(self.rid)
        self.rid.extend(map(_RID, rows))
        self.item.extend(map(self.index.__getitem__, map(_ITEM_KIND, rows)))
        self.ts.extend(map(_TS, rows))
        if events.count("grade") == len(rows):
            self.rating.extend(map(_RATING, rows))
            return
        for k, row in enumerate(rows):
            if row[3] == "grade":
                self.rating.append(row[4])
            else:
                self.rating.append(0)
                self.other[n + k] = (row[3], row[11])

    def rows(self) -> Iterator[tuple]:
        """The rows again, in `Replay.feed_rows` form."""
        pairs, other = self.pairs, self.other
        for pos, (rid, item, rating, ts) in enumerate(
                zip(self.rid, self.item, self.rating, self.ts, strict=True)):
            item_id, kind = pairs[item]
            if rating:
                yield rid, item_id, kind, "grade", rating, ts, None, None, None, None, None, None
            else:
                event, until = other[pos]
                yield rid, item_id, kind, event, None, ts, None, None, None, None, None, until


class _Numbering(dict[tuple[str, str], int]):
    """Numbers for keys in order of appearance (`__missing__` runs once per new key)."""

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys_in_order = keys

    def __missing__(self, key: tuple[str, str]) -> int:
        n = self[key] = len(self.keys_in_order)
        self.keys_in_order.append(key)
        return n


_RID, _EVENT, _RATING, _TS = (operator.itemgetter(i) for i in (0, 3, 4, 5))
_ITEM_KIND = operator.itemgetter(1, 2)


class _Reader:
    """Walks the export, checking as it goes and handing good rows, in batches, to
    `flush(table, rows)` (rows are tuples in `TABLES[table]` order)."""

    def __init__(self, js: JsonStream, flush: Callable[[str, list[tuple]], None]) -> None:
        self.js = js
        self.flush = flush
        self.problems: list[str] = []
        self.total = 0
        self.top: dict[str, Any] = {}
        self.counts = {t: 0 for t in TABLES}
        self.client_id: str | None = None
        self.saw_history = False
        # Review ids rising and no undo so far: item states can be replayed as rows stream.
        self.in_order = True

    def problem(self, text: str) -> None:
        self.total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)

    def skip(self, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise JsonProblem(f"nested more than {MAX_DEPTH} deep", self.js.at())
        kind = self.js.peek()
        if kind == "{":
            for _ in self.js.object():
                self.skip(depth + 1)
        elif kind == "[":
            for _ in self.js.array():
                self.skip(depth + 1)
        else:
            self.js.value()

    def read(self) -> None:
        js = self.js
        first = js.peek()
        if not first:
            raise JsonProblem("not JSON: the file is empty")
        if first != "{":
            raise ExchangeError("not a study export (not a JSON object)")
        for key in js.object():
            if key == "history":
                self.history()
            elif key == "content":
                self.skip()  # comes from the content files on import
            else:
                self.top[key] = js.value()
                if key == "format" and self.top[key] != FORMAT:
                    raise ExchangeError("not a study export (no \"format\": \"study-export\")")
                if key == "version" and self.top[key] != VERSION:
                    raise ExchangeError(f"unsupported export version {_show(self.top[key])}")
            if js.bytes_read > MAX_BYTES:
                raise JsonProblem(f"larger than {MAX_BYTES >> 30} GB")
        js.end()

    def history(self) -> None:
        js = self.js
        self.saw_history = True
        if js.peek() != "{":
            self.problem("history: must be an object")
            self.skip()
            return
        for key in js.object():
            if key == "client_id":
                value = js.value()
                if _text(value, 100):
                    self.client_id = value
                else:
                    self.problem("history.client_id: must be a non-empty string")
            elif key in TABLES:
                self.rows(key)
            else:
                self.problem(f"history.{key}: unknown part of the history")
                self.skip()

    def shape_problem(self, table: str, i: int, row: Any) -> None:
        """A row that is not an object with exactly the table's fields."""
        if type(row) is not dict:
            self.problem(f"history.{table}[{i}]: must be an object")
            return
        cols = TABLES[table]
        missing = [c for c in cols if c not in row]
        extra = sorted(str(k) for k in row if k not in cols)
        what = (f"missing {', '.join(missing)}" if missing else
                f"unknown field(s) {', '.join(extra)}")
        self.problem(f"history.{table}[{i}]: {what}")

    def rows(self, table: str) -> None:
        js = self.js
        if js.peek() != "[":
            self.problem(f"history.{table}: must be a list")
            self.skip()
            return
        if table == "reviews":
            self.counts[table] = self.reviews()
            return
        keys = frozenset(TABLES[table])
        values = operator.itemgetter(*TABLES[table])
        check = CHECKS[table]
        batch: list[tuple] = []
        n = 0
        for i, row in js.items():
            n += 1
            if type(row) is not dict or row.keys() != keys:
                self.shape_problem(table, i, row)
                continue
            bad = check(row)
            if bad is not None:
                self.problem(f"history.{table}[{i}].{bad}")
                continue
            batch.append(values(row))
            if len(batch) >= BATCH:
                self.flush(table, batch)
                batch = []
        self.flush(table, batch)
        self.counts[table] = n

    def reviews(self) -> int:
        """`rows` for the log, the part of an export that can hold millions of rows: the
        common case (a well-formed grade) is checked in one expression on the row's
        values; anything else gets `_review_problem`'s full check and message."""
        batch: list[tuple] = []
        values = _REVIEW_VALUES
        width = len(TABLES["reviews"])
        flush = self.flush
        last_id = 0
        n = 0
        for start, run in self.js.runs():
            n = start + len(run)
            for i, row in enumerate(run, start):
                # exactly the log's fields: as many, and each one there
                if type(row) is not dict or len(row) != width:
                    self.shape_problem("reviews", i, row)
                    continue
                try:
                    t = values(row)
                except KeyError:
                    self.shape_problem("reviews", i, row)
                    continue
                rid, item, kind, event, rating, ts, day, dur, client, before, undoes, until = t
                if not (event == "grade" and type(rid) is int and 0 < rid <= 2**62
                        and type(item) is str and 0 < len(item) <= 300
                        and (kind == "card" or kind == "kata")
                        and type(rating) is int and 1 <= rating <= 4
                        and type(ts) is int and _MS_MIN <= ts <= _MS_MAX
                        and type(day) is int and _DAY_MIN <= day <= _DAY_MAX
                        and (dur is None or (type(dur) is int and 0 <= dur <= 2**40))
                        and type(client) is str and 0 < len(client) <= 100
                        and (before is None or (type(before) is int and 0 <= before <= 3))
                        and undoes is None and until is None):
                    bad = _review_problem(row)
                    if bad is not None:
                        self.problem(f"history.reviews[{i}].{bad}")
                        continue
                    if event == "undo":
                        self.in_order = False
                if rid <= last_id:
                    self.in_order = False
                last_id = rid
                batch.append(t)
            if len(batch) >= BATCH:
                flush("reviews", batch)
                batch = []
        flush("reviews", batch)
        return n


def import_file(study: Study, fh: IO[bytes], source: str, replace: bool = False,
                before_write: Callable[[Path], None] | None = None) -> dict[str, int]:
    """Import an export from a binary stream, all or nothing. Returns row counts.

    With `replace`, a home that has history is backed up first (the path goes to
    `before_write`); without it such a home is refused before anything is read.
    """
    store = study.store
    conn = store.conn
    used = any(conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in TABLES)
    if used and not replace:
        raise ExchangeError(f"{study.home} already has review history; import into an empty "
                            "home, or pass --replace (a backup is made first)")
    if used:
        stamp = study.now().strftime("%Y%m%dT%H%M%S")
        backup = store.backup_to(study.home / "backups" / f"before-import-{stamp}.db")
        if before_write is not None:
            before_write(backup)

    reader: _Reader
    # Item states are replayed from the log as read, if it comes in id order without undos
    # (an export does, unless something was undone): the rows are kept in compact columns
    # and replayed at the end, while SQLite builds the indexes on another thread (it holds
    # no GIL during those long statements). Otherwise they are rebuilt from the log.
    columns: _LogColumns | None = _LogColumns()

    def flush(table: str, rows: list[tuple]) -> None:
        nonlocal columns
        if reader.total or not rows:  # a problem already: keep checking, stop writing
            return
        if table == "reviews" and columns is not None:
            if reader.in_order:
                columns.add(rows)
            else:
                columns = None
        for text in _write_rows(c, table, rows):
            reader.problem(text)

    with store.transaction() as c, bulk_mode(c):
        c.execute("PRAGMA defer_foreign_keys = ON")  # an undo may come before its grade
        c.execute("DELETE FROM item_state")
        for table in reversed(list(TABLES)):
            c.execute(f"DELETE FROM {table}")
        with contextlib.ExitStack() as stack:
            # The tables' CHECK constraints hold for every row that passed the reader's
            # checks; SQLite verifies them once over each table, after the rows.
            stack.enter_context(checks_after(c, list(TABLES)))
            # The log's indexes are built once after the rows (a sort each) instead of row
            # by row, inside the transaction, so a failed import rolls them back too. The
            # one on undone ids stays: it finds a grade undone twice, row by row. (Imported
            # rows get their device sequence at the first sync: (client_id, seq) is free.)
            stack.enter_context(
                indexes_deferred(c, "reviews", keep=frozenset({"reviews_undoes"})))
            js = JsonStream(fh)
            reader = _Reader(js, flush)
            try:
                reader.read()
            except JsonProblem as exc:
                raise ExchangeError(f"{source}:{exc}; nothing was imported" if exc.line else
                                    f"{source}: {exc}; nothing was imported") from None
            except ImportProblems:
                raise
            except ExchangeError as exc:
                raise ExchangeError(f"{source}: {exc}") from None
            finish = stack.pop_all()  # the index builds and checks, run below
        replay: Replay | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-indexes") as pool:
            built = pool.submit(finish.close)
            try:
                if columns is not None and not reader.total:
                    replay = Replay(store.srs)
                    replay.feed_rows(columns.rows())
            finally:
                built.result()  # the connection is this thread's again
        columns = None
        settings = _check_top(reader)
        if not reader.total:
            _check_references(c, reader)
        if reader.total:
            raise ImportProblems(source, reader.problems, reader.total)
        client = reader.client_id
        if client:
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('client_id', ?)",
                      (client,))
        if replay is not None:
            replay.write(store, c)
        else:
            store._rebuild_in(c)
        if settings is not None:
            text = _settings_text(study.home, settings)
            if text is not None:
                c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                          (PENDING_SETTINGS, text))
    if reader.client_id:
        store.client_id = reader.client_id
    store.finish_pending_settings()
    return {"reviews": reader.counts["reviews"], "attempts": reader.counts["attempts"],
            "hints": reader.counts["hints"]}


def _write_rows(c: sqlite3.Connection, table: str, rows: list[tuple]) -> list[str]:
    """Insert a batch of checked rows; if it fails, the rows at fault (for the message)."""
    try:
        insert_many(c, table, TABLES[table], rows)
        return []
    except (sqlite3.IntegrityError, UnicodeEncodeError):
        pass
    problems = []
    for row in rows:  # the failed batch left nothing behind: find the rows at fault
        try:
            insert_many(c, table, TABLES[table], [row])
        except sqlite3.IntegrityError as exc:
            problems.append(f"history.{table} (id {row[0]}): {_integrity(exc)}")
        except UnicodeEncodeError:  # JSON can escape half a surrogate pair
            problems.append(f"history.{table} (id {row[0]}): a string holds a lone "
                            "surrogate (\\ud800-\\udfff), which is not text")
    return problems


def _integrity(exc: sqlite3.IntegrityError) -> str:
    text = str(exc)
    if "UNIQUE" in text and "undoes" in text:
        return "the same grade is undone twice"
    if "UNIQUE" in text or "PRIMARY KEY" in text:
        return "a duplicate id"
    return f"inconsistent row ({text})"


def _check_top(reader: _Reader) -> Settings | None:
    top = reader.top
    if top.get("format") != FORMAT:
        raise ExchangeError("not a study export (no \"format\": \"study-export\")")
    if "version" not in top:
        raise ExchangeError("unsupported export version (none given)")
    if not reader.saw_history:
        reader.problem("history: missing")
    raw = top.get("settings")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        reader.problem("settings: must be an object")
        return None
    try:
        return Settings.from_dict(raw, origin="settings")
    except SettingsError as exc:
        reader.problem(str(exc).replace("settings: ", "settings.", 1))
        return None


def _check_references(c: sqlite3.Connection, reader: _Reader) -> None:
    for rid, target in c.execute(
            "SELECT r.id, r.undoes FROM reviews r LEFT JOIN reviews g ON g.id = r.undoes "
            "WHERE r.undoes IS NOT NULL AND (g.id IS NULL OR g.event = 'undo') "
            "ORDER BY r.id LIMIT 20"):
        reader.problem(f"history.reviews (id {rid}).undoes: {target} is not a grade or an "
                       "action in the log")
    for aid, target in c.execute(
            "SELECT a.id, a.review_id FROM attempts a LEFT JOIN reviews r ON r.id = a.review_id "
            "WHERE a.review_id IS NOT NULL AND r.id IS NULL ORDER BY a.id LIMIT 20"):
        reader.problem(f"history.attempts (id {aid}).review_id: no review has id {target}")


def _settings_text(home: Path, settings: Settings) -> str | None:
    """The settings file with the imported values (only the keys that differ), or None."""
    try:
        current = load_settings(home, environ={}).to_dict()
    except SettingsError:
        current = Settings().to_dict()
    changed = {k: v for k, v in settings.to_dict().items() if current.get(k) != v}
    if not changed:
        return None
    try:
        return settings_text(home, changed)
    except SettingsError:
        from study.settings import settings_text_fresh

        return settings_text_fresh(settings.to_dict())
