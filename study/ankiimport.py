"""`study import anki`: reviews done in Anki (desktop, AnkiDroid, AnkiMobile) come back.

The file is an Anki collection (`collection.anki2`), a `.colpkg` backup or an
`.apkg` exported with scheduling. Its revlog is read with sqlite from a temporary
copy; only notes that study's export wrote count (matched by the GUIDs it
derives from item ids), and each card maps to a study item: a cloze card's
ordinal is its deletion (c1 is ordinal 0), every other note has one card.

The revlog is cleaned as FSRS does when it trains on Anki's history: manual
reschedules (set due date, ease 0) and cram reviews (a filtered deck that does
not reschedule: type 3, ease factor 0) are dropped; a reset ("Forget", manual
with ease factor 0) becomes study's `forget`; every rated review is kept,
same-day ones too (FSRS-6 handles short-term reviews, as study's scheduler does).
Kata notes are counted but not imported: a kata is graded by the judge only.

Imported events keep the Anki review's own time to the millisecond (the revlog
id); with the item and the event that is their identity, whichever home wrote
them, so importing the same file again, a later backup of the same collection,
or the same file on another home that syncs with this one adds only what is
new. They are this home's events otherwise (its client id), so `study sync`
carries them to the other homes like any grade. The import is all or nothing:
everything is read and checked first, then written in one transaction with the
item states.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from study.clock import EARLIEST, LATEST, from_ms, to_ms
from study.errors import ExchangeError
from study.models import Item
from study.scheduler import LEARNING, NEW, RELEARNING, REVIEW
from study.store import Store

_SQLITE_MAGIC = b"SQLite format 3\x00"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Newest first: a modern package also holds a stub `collection.anki2` for old Ankis.
_MEMBERS = ("collection.anki21b", "collection.anki21", "collection.anki2")
# revlog.type
_LEARN, _REVIEW, _RELEARN, _FILTERED, _MANUAL, _RESCHEDULED = 0, 1, 2, 3, 4, 5
_STATE_OF_TYPE = {_LEARN: LEARNING, _REVIEW: REVIEW, _RELEARN: RELEARNING, _FILTERED: REVIEW}
DROP_RULES = ("manual reschedule", "cram", "unknown item", "impossible time", "kata")
_TS_MIN, _TS_MAX = to_ms(EARLIEST), to_ms(LATEST)


class AnkiImportError(ExchangeError):
    """The file cannot be imported: one line, exit 2, nothing changed."""


@dataclass(frozen=True)
class AnkiEvent:
    item_id: str
    kind: str
    event: str  # "grade" or "forget"
    rating: int | None
    ts: int  # the revlog id: when it happened, in ms
    duration_ms: int | None
    state_before: int | None


@dataclass
class Reading:
    """What a collection holds for study, cleaned, oldest first."""

    events: list[AnkiEvent] = field(default_factory=list)
    study_notes: int = 0
    other_notes: int = 0
    gone_notes: int = 0  # written by study's export, but the item is no longer in the content
    dropped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DROP_RULES, 0))


# -- opening the file ------------------------------------------------------------------------


@contextmanager
def open_collection(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a temporary copy of the collection in `path`."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except IsADirectoryError:
        raise AnkiImportError(f"{path} is a folder; give an Anki collection (.anki2), a "
                              ".colpkg backup or an .apkg file") from None
    except OSError as exc:
        from study.errors import os_words

        raise AnkiImportError(f"cannot read {path}: {os_words(exc)}") from None
    with tempfile.TemporaryDirectory(prefix="study-anki-") as tmp:
        db = Path(tmp) / "collection.anki2"
        if head == _SQLITE_MAGIC:
            _copy(path, db)
        elif head[:4] == b"PK\x03\x04":
            _extract(path, db, Path(tmp))
        else:
            raise AnkiImportError(f"{path}: not an Anki collection (.anki2), .colpkg or .apkg "
                                  "file")
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"notes", "cards", "revlog"} <= tables:
                raise AnkiImportError(f"{path}: an SQLite database, but not an Anki "
                                      "collection (no notes, cards and revlog tables)")
            yield conn
        except sqlite3.DatabaseError as exc:
            raise AnkiImportError(f"{path}: not a readable Anki collection ({exc})") from None
        finally:
            conn.close()


def _copy(src: Path, dest: Path) -> None:
    try:
        shutil.copyfile(src, dest)
        wal = src.with_name(src.name + "-wal")  # an open collection's recent changes
        if wal.is_file():
            shutil.copyfile(wal, dest.with_name(dest.name + "-wal"))
    except OSError as exc:
        from study.errors import os_words

        raise AnkiImportError(f"cannot read {src}: {os_words(exc)}") from None


def _extract(src: Path, dest: Path, tmp: Path) -> None:
    try:
        with zipfile.ZipFile(src) as z:
            names = set(z.namelist())
            member = next((m for m in _MEMBERS if m in names), None)
            if member is None:
                raise AnkiImportError(f"{src}: a zip file, but not an Anki package (no "
                                      "collection.anki2 inside)")
            data = z.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise AnkiImportError(f"{src}: not a readable zip file ({exc})") from None
    if member.endswith("b") or data[:4] == _ZSTD_MAGIC:
        data = _unzstd(src, data, tmp)
    if data[:16] != _SQLITE_MAGIC:
        raise AnkiImportError(f"{src}: {member} inside is not an Anki collection")
    dest.write_bytes(data)


def _unzstd(src: Path, data: bytes, tmp: Path) -> bytes:
    """Anki 2.1.50+ packages hold the collection zstd-compressed."""
    try:
        import zstandard  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        zstandard = None
    if zstandard is not None:
        try:
            out: bytes = zstandard.ZstdDecompressor().stream_reader(data).read()
            return out
        except zstandard.ZstdError as exc:
            raise AnkiImportError(f"{src}: the collection inside is damaged ({exc})") from None
    try:
        from anki._backend import RustBackend  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise AnkiImportError(
            f"{src} uses Anki's newer compressed format; install zstandard "
            "(`pip install zstandard`), or export again from Anki with \"Support older Anki "
            "versions\" ticked") from None
    col = tmp / "unpacked.anki2"
    try:
        # Anki's own restore: it unpacks the package into a plain collection file.
        RustBackend().import_collection_package(
            col_path=str(col), backup_path=str(src), media_folder=str(tmp / "media"),
            media_db=str(tmp / "media.db"))
        return col.read_bytes()
    except Exception as exc:  # the backend raises its own error types
        raise AnkiImportError(f"{src}: cannot unpack the collection ({exc})") from None


# -- reading the revlog ----------------------------------------------------------------------


def _guid(item_id: str) -> str:
    import genanki

    from study.anki import GUID_NAMESPACE

    return str(genanki.guid_for(GUID_NAMESPACE, item_id))


def _card_items(items: list[Item]) -> dict[str, dict[int, Item]]:
    """Note GUID -> card ordinal -> study item, for every item in the content."""
    out: dict[str, dict[int, Item]] = {}
    for it in items:
        ords = out.setdefault(_guid(it.note_id), {})
        if it.id == it.note_id:
            ords[0] = it
        else:  # a cloze deletion `note#cN` is Anki's card ordinal N-1
            ords[int(it.id.rsplit("#c", 1)[1]) - 1] = it
    return out


def read_reviews(conn: sqlite3.Connection, items: list[Item]) -> Reading:
    """The study reviews in an open collection, cleaned and mapped to items, oldest first."""
    by_guid = _card_items(items)
    reading = Reading()
    study_nids: dict[int, dict[int, Item]] = {}
    for nid, guid, flds in conn.execute("SELECT id, guid, flds FROM notes"):
        ords = by_guid.get(guid)
        if ords is not None:
            study_nids[nid] = ords
            reading.study_notes += 1
        elif _written_by_study(guid, flds):
            reading.gone_notes += 1
        else:
            reading.other_notes += 1
    cards: dict[int, Item | None] = {}
    for cid, nid, ord_ in conn.execute("SELECT id, nid, ord FROM cards"):
        if nid in study_nids:
            cards[cid] = study_nids[nid].get(ord_)
    fresh: set[str] = set()  # items whose next grade starts from new
    seen: set[str] = set()
    for rid, cid, ease, factor, duration, rtype in conn.execute(
            "SELECT id, cid, ease, factor, time, type FROM revlog ORDER BY id"):
        if cid not in cards:
            continue  # another note's card (or a card deleted since)
        item = cards[cid]
        if type(rid) is not int or not _TS_MIN <= rid <= _TS_MAX:
            reading.dropped["impossible time"] += 1  # a damaged row: no real moment
            continue
        if type(ease) is not int or type(rtype) is not int:
            reading.dropped["manual reschedule"] += 1  # a damaged row: no button pressed
            continue
        if item is None:
            reading.dropped["unknown item"] += 1  # a deletion no longer in the card
            continue
        if item.kind == "kata":
            # A kata's grade is the judge's verdict on code that ran; reading the solution
            # on a phone is not one.
            reading.dropped["kata"] += 1
            continue
        if rtype in (_MANUAL, _RESCHEDULED) or not ease:
            if rtype == _MANUAL and not ease and not factor:
                reading.events.append(AnkiEvent(item.id, item.kind, "forget", None, rid, None,
                                                None))
                fresh.add(item.id)
            else:
                reading.dropped["manual reschedule"] += 1
            continue
        if rtype == _FILTERED and not factor:
            reading.dropped["cram"] += 1  # reviewed ahead without rescheduling
            continue
        if not 1 <= ease <= 4 or rtype not in _STATE_OF_TYPE:
            reading.dropped["manual reschedule"] += 1
            continue
        first = item.id not in seen or item.id in fresh
        seen.add(item.id)
        fresh.discard(item.id)
        before = NEW if first and rtype == _LEARN else _STATE_OF_TYPE[rtype]
        dur = int(duration) if isinstance(duration, int) and duration > 0 else None
        reading.events.append(AnkiEvent(item.id, item.kind, "grade", int(ease), int(rid), dur,
                                        before))
    return reading


def _written_by_study(guid: Any, flds: Any) -> bool:
    """A note of study's whose item left the content: its last field is the StudyId."""
    if not isinstance(flds, str) or "\x1f" not in flds:
        return False
    study_id = flds.rsplit("\x1f", 1)[1].strip()
    return bool(study_id) and len(study_id) <= 300 and guid == _guid(study_id)


# -- importing -------------------------------------------------------------------------------


def _known(conn: sqlite3.Connection, events: list[AnkiEvent]) -> set[tuple[str, int, str]]:
    """The events already in the log (imported before, here or on a synced home)."""
    if not events:
        return set()
    first = min(e.ts for e in events)
    return {(r[0], int(r[1]), str(r[2])) for r in conn.execute(
        "SELECT item_id, ts, event FROM reviews WHERE ts >= ? AND event IN ('grade', "
        "'forget')", (first,))}


def import_anki(store: Store, items: list[Item], path: Path, dry_run: bool = False
                ) -> dict[str, Any]:
    """Bring a collection's study reviews into the log, all or nothing; returns counts.

    Raises AnkiImportError (one line) for a file that is not a collection, or that holds
    no note of study's."""
    path = Path(path)
    with open_collection(path) as conn:
        reading = read_reviews(conn, items)
    if not reading.study_notes:
        extra = (f", {reading.gone_notes} for items no longer in your content"
                 if reading.gone_notes else "")
        raise AnkiImportError(f"{path}: no notes from study's export in this collection "
                              f"({reading.other_notes} other notes{extra}); nothing was "
                              "imported")
    events = reading.events
    if dry_run:
        known = _known(store.conn, events)
        new = [e for e in events if (e.item_id, e.ts, e.event) not in known]
    else:
        with store.transaction() as c:
            known = _known(c, events)  # inside the transaction: two imports at once add once
            new = [e for e in events if (e.item_id, e.ts, e.event) not in known]
            # Sequence numbers (study.sync) are stamped at the next sync, as for any grade.
            c.executemany(
                "INSERT INTO reviews (item_id, kind, event, rating, ts, day, duration_ms, "
                "client_id, state_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(e.item_id, e.kind, e.event, e.rating, e.ts, store.day_number(from_ms(e.ts)),
                  e.duration_ms, store.client_id, e.state_before) for e in new])
            _refold(store, c, {(e.item_id, e.kind) for e in new})
    grades = sum(e.event == "grade" for e in new)
    return {
        "file": str(path), "dry_run": dry_run,
        "imported": grades, "forgets": len(new) - grades,
        "already_imported": len(events) - len(new),
        "items": len({e.item_id for e in new}),
        "study_notes": reading.study_notes, "other_notes": reading.other_notes,
        "gone_notes": reading.gone_notes, "dropped": dict(reading.dropped),
    }


def _refold(store: Store, c: sqlite3.Connection, touched: set[tuple[str, str]]) -> None:
    """The state of each touched item from its whole log, as `undo` does for one item."""
    store._sync_params(c)
    for item_id, kind in sorted(touched):
        events = store._events(c, "WHERE item_id = ?", (item_id,))
        state = store._fold(item_id, kind, events, c)
        if state is None:
            c.execute("DELETE FROM item_state WHERE item_id = ?", (item_id,))
        else:
            store._put(c, state, events[-1].id)
