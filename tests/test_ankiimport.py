"""`study import anki`: reviews answered with Anki's own scheduler come back, once."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import write_kata, write_mini

from study import anki
from study.ankiimport import AnkiImportError, import_anki
from study.models import cloze_item_id

anki_collection = pytest.importorskip("anki.collection")
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition as Update  # noqa: E402

IF_NEWER = Update.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
DAY_MS = 86_400_000


def _content(root: Path) -> Path:
    write_mini(root)
    write_kata(root, "kata-one", "alpha")
    (root / "cards" / "basics" / "cz.yaml").write_text(
        "topic: beta\ncards:\n  - id: two-blanks\n    type: cloze\n"
        "    text: 'Adam keeps {{c1::a moment}} and {{c2::a second moment}}.'\n"
        "    tags: [opt]\n    source: s\n")
    return root


def _item_of(card) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    note = card.note()
    sid, fields = note["StudyId"], list(note.keys())
    if "Text" in fields:
        return cloze_item_id(sid, card.ord + 1), "card"
    return sid, "kata" if "Signature" in fields else "card"


def _answer(col, cid: int, rating: int, log: list) -> None:  # type: ignore[no-untyped-def]
    card = col.get_card(cid)
    card.start_timer()
    col.sched.answerCard(card, rating)
    rid = col.db.scalar("SELECT MAX(id) FROM revlog WHERE cid = ?", cid)
    log.append((rid, cid, rating))


@pytest.fixture
def reviewed(make_study, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A home, and a collection in which study's deck was reviewed over four days."""
    study = make_study(root=_content(tmp_path / "content"))
    apkg = tmp_path / "deck.apkg"
    anki.write_package(anki.select(study.content), apkg)
    col_path = tmp_path / "anki" / "collection.anki2"
    col_path.parent.mkdir()
    col = anki_collection.Collection(str(col_path))
    col.import_anki_package(anki_collection.ImportAnkiPackageRequest(
        package_path=str(apkg), options=anki_collection.ImportAnkiPackageOptions(
            update_notes=IF_NEWER, update_notetypes=IF_NEWER, with_scheduling=False,
            with_deck_configs=False, merge_notetypes=False)))
    other = col.new_note(col.models.by_name("Basic"))  # the learner's own note
    other["Front"], other["Back"] = "my own", "note"
    col.add_note(other, col.decks.id("Default"))
    cids = sorted(col.find_cards('"deck:Deep Learning*"'))
    items = {cid: _item_of(col.get_card(cid)) for cid in cids}
    log: list[tuple[int, int, int]] = []
    # Day 1 (four days ago): learn everything, some with a lapse on the way.
    for i, cid in enumerate(cids):
        for rating in ((1, 3, 3) if i % 3 == 0 else (3, 4) if i % 3 == 1 else (2, 3, 3)):
            _answer(col, cid, rating, log)
    _answer(col, col.find_cards('"deck:Default"')[0], 3, [])  # not study's: ignored
    cards = [cid for cid in cids if items[cid][1] == "card"]
    forgotten, rescheduled = cards[1], cards[2]
    col.sched.schedule_cards_as_new([forgotten], restore_position=True, reset_counts=True)
    col.sched.set_due_date([rescheduled], "3")  # a manual reschedule: dropped
    _answer(col, forgotten, 3, log)  # relearned from new after the reset
    col.close()
    # Move day 1 four days back, so the next answers are real later-day reviews.
    db = sqlite3.connect(col_path)
    db.execute("UPDATE revlog SET id = id - ?", (4 * DAY_MS,))
    db.commit()
    db.close()
    log = [(rid - 4 * DAY_MS, cid, r) for rid, cid, r in log]
    col = anki_collection.Collection(str(col_path))
    for cid in cids[:4]:  # today: reviews of the first four
        _answer(col, cid, 3 if cid != cids[0] else 1, log)
    # Cramming in a filtered deck that does not reschedule: dropped.
    cram = col.sched.get_or_create_filtered_deck(deck_id=0)
    cram.name = "Cram"
    cram.config.reschedule = False
    cram.config.search_terms[0].search = f"cid:{cards[4]}"
    cram_id = col.sched.add_or_update_filtered_deck(cram).id
    _answer(col, cards[4], 3, [])
    col.sched.empty_filtered_deck(cram_id)
    reset_ts = col.db.scalar("SELECT id FROM revlog WHERE cid = ? AND type = 4 AND factor = 0",
                             forgotten)
    col.close()
    # Katas are graded by study's judge only: their Anki reviews are counted, not imported.
    expected = [(items[cid][0], items[cid][1], r, rid) for rid, cid, r in sorted(log)
                if items[cid][1] == "card"]
    assert len(expected) < len(log)
    return study, col_path, expected, (items[forgotten][0], reset_ts), tmp_path


def _revlog_rows(col_path: Path, study_id: str) -> int:
    db = sqlite3.connect(col_path)
    try:
        return int(db.execute(
            "SELECT COUNT(*) FROM revlog r JOIN cards c ON c.id = r.cid JOIN notes n "
            "ON n.id = c.nid WHERE n.flds LIKE ?", (f"%\x1f{study_id}",)).fetchone()[0])
    finally:
        db.close()


def _anki_events(study) -> list[tuple]:  # type: ignore[no-untyped-def]
    return study.store.conn.execute(
        "SELECT item_id, kind, event, rating, ts FROM reviews WHERE client_id = ? "
        "ORDER BY id", (study.store.client_id,)).fetchall()


def test_reviews_come_back_exactly_once(reviewed) -> None:  # type: ignore[no-untyped-def]
    study, col_path, expected, (forgot_item, reset_ts), _ = reviewed
    counts = import_anki(study.store, study.items, col_path)
    grades = [e for e in _anki_events(study) if e[2] == "grade"]
    assert [(i, k, r, ts) for i, k, _, r, ts in grades] == expected
    assert counts["imported"] == len(expected) and counts["forgets"] == 1
    assert counts["study_notes"] == len(study.content.cards) + len(study.content.katas)
    assert counts["other_notes"] == 1 and counts["gone_notes"] == 0
    katas = _revlog_rows(col_path, "kata-one")
    assert katas >= 2
    assert counts["dropped"] == {"manual reschedule": 1, "cram": 1, "unknown item": 0,
                                 "impossible time": 0, "kata": katas}
    kinds = {e[0]: e[1] for e in grades}
    assert "kata-one" not in kinds
    assert {cloze_item_id("two-blanks", 1), cloze_item_id("two-blanks", 2)} <= set(kinds)
    # The reset is a forget at its own time: the relearn after it starts from new.
    assert (forgot_item, "forget", reset_ts) in {(e[0], e[2], e[4]) for e in _anki_events(study)}
    history = study.store.history(forgot_item)
    after_reset = [e for e in history if e.ts > reset_ts and e.event == "grade"]
    assert study.store.conn.execute(
        "SELECT state_before FROM reviews WHERE item_id = ? AND ts = ?",
        (forgot_item, after_reset[0].ts)).fetchone()[0] == 0
    # States follow from the imported log, as a rebuild gives them.
    states = study.store.states()
    assert all(states[i].reps > 0 for i, *_ in expected)
    assert states[forgot_item].reps == len(after_reset)
    rebuilt_before = {k: v.to_dict() for k, v in states.items()}
    study.store.rebuild()
    assert {k: v.to_dict() for k, v in study.store.states().items()} == rebuilt_before
    # Days are the days the reviews were done on.
    days = {r[0] for r in study.store.conn.execute(
        "SELECT DISTINCT day FROM reviews")}
    assert len(days) == 2
    # Again: nothing new.
    log_before = study.store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    again = import_anki(study.store, study.items, col_path)
    assert again["imported"] == 0 and again["forgets"] == 0
    assert again["already_imported"] == len(expected) + 1
    assert study.store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == log_before


def test_colpkg_apkg_with_scheduling_and_later_reviews(reviewed) -> None:  # type: ignore[no-untyped-def]
    study, col_path, expected, _, tmp = reviewed
    col = anki_collection.Collection(str(col_path))
    shared = tmp / "shared.apkg"  # File > Export, "Include scheduling information"
    col.export_anki_package(out_path=str(shared), limit=None,
                            options=anki_collection.ExportAnkiPackageOptions(
                                with_scheduling=True, with_deck_configs=True, with_media=False,
                                legacy=True))
    col.close()
    first = import_anki(study.store, study.items, shared)
    assert first["imported"] == len(expected)
    assert [e[3] for e in _anki_events(study) if e[2] == "grade"] == [e[2] for e in expected]
    # A later backup (the newest format) holds one more review: only that one comes in.
    col = anki_collection.Collection(str(col_path))
    cid = [c for c in sorted(col.find_cards('"deck:Deep Learning*"'))
           if _item_of(col.get_card(c))[1] == "card"][5]
    card = col.get_card(cid)
    card.start_timer()
    col.sched.answerCard(card, 4)
    newer = tmp / "newer.colpkg"
    col.export_collection_package(str(newer), include_media=False, legacy=False)
    col.close()
    with zipfile.ZipFile(newer) as z:
        assert "collection.anki21b" in z.namelist()
    second = import_anki(study.store, study.items, newer)
    assert (second["imported"], second["already_imported"]) == (1, len(expected) + 1)
    assert _anki_events(study)[-1][3] == 4


def test_cli_dry_run_json_and_bad_files(reviewed) -> None:  # type: ignore[no-untyped-def]
    study, col_path, expected, _, tmp = reviewed
    env = {**os.environ, "STUDY_HOME": str(study.home), "TZ": "UTC"}
    (study.home / "settings.toml").write_text(
        f'timezone = "UTC"\nbundled_content = false\ncontent_dirs = ["{tmp / "content"}"]\n')
    db = study.home / "study.db"
    study.close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "study", "import", "anki", *args],
                              env=env, capture_output=True, text=True, cwd=tmp)

    snapshot = db.read_bytes()
    dry = run(str(col_path), "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["imported"] == len(expected)
    not_zip = tmp / "x.apkg"
    not_zip.write_bytes(b"PK\x03\x04 truncated")
    empty = tmp / "empty.anki2"
    col = anki_collection.Collection(str(empty))
    col.close()
    text = tmp / "notes.txt"
    text.write_text("hello")
    for path, message in ((not_zip, "not a readable zip"), (empty, "no notes from study"),
                          (text, "not an Anki collection"), (tmp / "nope.apkg", "cannot read"),
                          (tmp, "is a folder")):
        bad = run(str(path))
        assert bad.returncode == 2, bad.stderr
        assert message in bad.stderr and "Traceback" not in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == snapshot  # dry runs and bad files changed nothing
    real = run(str(col_path))
    assert real.returncode == 0, real.stderr
    lines = real.stdout.splitlines()
    assert lines[0].startswith(f"imported {len(expected)} Anki reviews and 1 reset of ")
    assert lines[1] == "ignored 1 note not from study"
    katas = _revlog_rows(col_path, "kata-one")
    assert lines[2] == f"dropped {2 + katas} reviews: 1 manual reschedule, 1 cram, {katas} kata"
    again = run(str(col_path), "--json")
    assert json.loads(again.stdout)["imported"] == 0
    assert json.loads(again.stdout)["already_imported"] == len(expected) + 1


def test_unreadable_zip_member_is_one_line(tmp_path: Path, make_study) -> None:  # type: ignore[no-untyped-def]
    study = make_study()
    pkg = tmp_path / "odd.apkg"
    with zipfile.ZipFile(pkg, "w") as z:
        z.writestr("collection.anki21", b"not sqlite")
    with pytest.raises(AnkiImportError, match="not an Anki collection"):
        import_anki(study.store, study.items, pkg)


def test_a_failed_write_leaves_the_home_as_it_was(reviewed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    study, col_path, *_ = reviewed
    conn = study.store.conn
    before = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    states = {k: v.to_dict() for k, v in study.store.states().items()}

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # a kill in the middle of the write

    monkeypatch.setattr(study.store, "_put", crash)
    with pytest.raises(KeyboardInterrupt):
        import_anki(study.store, study.items, col_path)
    assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == before
    assert {k: v.to_dict() for k, v in study.store.states().items()} == states
    monkeypatch.undo()
    assert import_anki(study.store, study.items, col_path)["imported"] > 0


def test_items_gone_from_the_content_are_counted_not_imported(reviewed, make_study) -> None:  # type: ignore[no-untyped-def]
    study, col_path, expected, _, tmp = reviewed
    root = tmp / "content"
    study.close()
    cz = root / "cards" / "basics" / "cz.yaml"  # the second deletion is gone
    cz.write_text(cz.read_text().replace("{{c2::a second moment}}", "a second moment"))
    (root / "exercises" / "kata-one" / "kata.yaml").unlink()  # and the kata
    again = make_study(root=root)
    counts = import_anki(again.store, again.items, col_path)
    gone = {cloze_item_id("two-blanks", 2), "kata-one"}
    assert counts["gone_notes"] == 1
    db = sqlite3.connect(col_path)
    c2_rows = db.execute(  # every revlog row of the gone deletion's card, whatever its type
        "SELECT COUNT(*) FROM revlog r JOIN cards c ON c.id = r.cid JOIN notes n "
        "ON n.id = c.nid WHERE n.flds LIKE '%\x1ftwo-blanks' AND c.ord = 1").fetchone()[0]
    db.close()
    assert c2_rows >= 2 and counts["dropped"]["unknown item"] == c2_rows
    assert counts["imported"] == sum(1 for e in expected if e[0] not in gone)
    assert not gone & {r[0] for r in _anki_events(again)}


def test_reviews_that_reached_another_home_are_not_imported_twice(reviewed, make_study) -> None:  # type: ignore[no-untyped-def]
    from study.exchange import export_data, import_file

    study, col_path, expected, _, tmp = reviewed
    import_anki(study.store, study.items, col_path)
    dump = json.dumps(export_data(study)).encode()
    other = make_study(home=tmp / "other-home", root=tmp / "content")
    import_file(other, io.BytesIO(dump), "dump.json")  # the history reaches another home
    counts = import_anki(other.store, other.items, col_path)
    assert (counts["imported"], counts["forgets"]) == (0, 0)
    assert counts["already_imported"] == len(expected) + 1


def test_newest_format_without_a_zstd_reader_is_one_clear_line(reviewed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    study, col_path, _, _, tmp = reviewed
    col = anki_collection.Collection(str(col_path))
    modern = tmp / "modern.apkg"
    col.export_anki_package(out_path=str(modern), limit=None,
                            options=anki_collection.ExportAnkiPackageOptions(
                                with_scheduling=True, with_deck_configs=False,
                                with_media=False, legacy=False))
    col.close()
    monkeypatch.setitem(sys.modules, "zstandard", None)  # neither reader importable
    monkeypatch.setitem(sys.modules, "anki._backend", None)
    with pytest.raises(AnkiImportError, match="install zstandard") as err:
        import_anki(study.store, study.items, modern)
    assert "\n" not in str(err.value)
    assert study.store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0
    monkeypatch.undo()
    assert import_anki(study.store, study.items, modern)["imported"] > 0


def test_damaged_revlog_rows_are_dropped(reviewed) -> None:  # type: ignore[no-untyped-def]
    study, col_path, expected, _, _ = reviewed
    db = sqlite3.connect(col_path)
    cid = db.execute("SELECT cid FROM revlog LIMIT 1").fetchone()[0]
    db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
               "VALUES (5, ?, -1, 3, 1, 0, 2500, 1000, 1)", (cid,))  # 1970, 5 ms in
    db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
               "VALUES (1796000000000, ?, -1, 'x', 1, 0, 2500, 1000, 1)", (cid,))  # damaged
    db.commit()
    db.close()
    counts = import_anki(study.store, study.items, col_path)
    assert counts["dropped"]["impossible time"] == 1 and counts["imported"] == len(expected)
    assert counts["dropped"]["manual reschedule"] == 2  # Set Due Date, and the damaged row


def test_imported_reviews_sync_once_to_other_homes(reviewed, make_study) -> None:  # type: ignore[no-untyped-def]
    from study.sync import sync

    study, col_path, expected, _, tmp = reviewed
    other = make_study(home=tmp / "other-home", root=tmp / "content")
    folder = tmp / "shared"
    folder.mkdir()
    import_anki(study.store, study.items, col_path)
    sync(study.store, folder)
    sync(other.store, folder)
    # The phone's reviews reached the other home; importing the file there adds nothing.
    counts = import_anki(other.store, other.items, col_path)
    assert (counts["imported"], counts["already_imported"]) == (0, len(expected) + 1)
    sync(other.store, folder)
    sync(study.store, folder)

    def log(s) -> list[tuple]:  # type: ignore[no-untyped-def]
        return s.store.conn.execute("SELECT item_id, event, rating, ts FROM reviews "
                                    "ORDER BY id").fetchall()

    assert log(study) == log(other) and len(log(study)) == len(expected) + 1
    assert {k: v.to_dict() for k, v in study.store.states().items()} == \
        {k: v.to_dict() for k, v in other.store.states().items()}
