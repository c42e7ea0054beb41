"""`study sync`: homes exchange events through a shared folder and converge."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import T0
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study import sync as syncmod
from study.clock import DayClock
from study.errors import StudyError
from study.scheduler import ItemState, Srs
from study.store import Store
from study.sync import SyncError, check_dir, sync

DAYS = DayClock(ZoneInfo("UTC"), 4)


def open_store(path: Path) -> Store:
    return Store(path, Srs(), DAYS)


def history(store: Store) -> list[tuple]:
    """The log as every device must see it: ids differ, content and order may not."""
    rows = store.conn.execute(
        "SELECT r.client_id, r.seq, r.item_id, r.event, r.rating, r.ts, r.until_ms, "
        "u.client_id, u.seq FROM reviews r LEFT JOIN reviews u ON u.id = r.undoes "
        "ORDER BY r.id").fetchall()
    return [tuple(r) for r in rows]


def states(store: Store) -> dict[str, ItemState]:
    return store.states()


def rebuilt(store: Store) -> dict[str, ItemState]:
    store.rebuild()
    return store.states()


def test_two_homes_exchange_and_a_second_sync_adds_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    assert a.client_id != b.client_id
    a.grade("c1", "card", 3, T0)
    b.grade("c2", "card", 1, T0 + timedelta(minutes=1))
    rid = a.grade("c3", "card", 4, T0 + timedelta(minutes=2)).review_id
    a.undo(rid, T0 + timedelta(minutes=3))
    ra = sync(a, folder)
    assert ra.sent["reviews"] == 3 and ra.received["reviews"] == 0
    rb = sync(b, folder)
    assert rb.received["reviews"] == 3 and rb.sent["reviews"] == 1
    sync(a, folder)
    assert history(a) == history(b)
    assert states(a) == states(b) == rebuilt(a)
    assert set(states(a)) == {"c1", "c2"}  # c3's only grade was undone
    before = history(b)
    again = sync(b, folder)
    assert again.received["reviews"] == 0 and again.sent["reviews"] == 0
    assert history(b) == before
    # each device wrote only under its own folder
    assert sorted(p.name for p in folder.iterdir()) == sorted([a.client_id, b.client_id])


def test_same_card_both_devices_same_day_both_kept_in_time_order(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    a.grade("c1", "card", 3, T0 - timedelta(days=10))
    sync(a, folder)
    sync(b, folder)
    b.grade("c1", "card", 3, T0 + timedelta(hours=2))  # later, on the laptop
    a.grade("c1", "card", 2, T0 + timedelta(hours=1))  # earlier, on the desk
    sync(b, folder)
    sync(a, folder)
    sync(b, folder)
    h = history(a)
    assert h == history(b)
    assert [(r[3], r[4], r[5]) for r in h if r[2] == "c1"][1:] == [
        ("grade", 2, int((T0 + timedelta(hours=1)).timestamp() * 1000)),
        ("grade", 3, int((T0 + timedelta(hours=2)).timestamp() * 1000))]
    assert a.state("c1") == b.state("c1") == rebuilt(a)["c1"]
    assert a.state("c1").reps == 3
    # the plan on the desk no longer offers what the laptop did today
    assert a.graded_today(DAYS.day_of(T0))["c1"][0] == 2
    assert (a.state("c1").due_ms or 0) > int((T0 + timedelta(hours=2)).timestamp() * 1000)


def test_clock_skew_never_reorders_one_devices_own_events(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    a.grade("c1", "card", 3, T0 + timedelta(hours=5))
    a.grade("c1", "card", 1, T0)  # the clock was set back meanwhile
    b.grade("c1", "card", 4, T0 + timedelta(hours=1))
    for s in (a, b, a):
        sync(s, folder)
    h = history(a)
    assert h == history(b)
    own = [r[1] for r in h if r[0] == a.client_id]
    assert own == sorted(own)
    assert states(a) == states(b) == rebuilt(b)


def test_a_local_grade_that_sorts_before_a_synced_one_is_replayed(tmp_path: Path) -> None:
    """No new record for the item, yet its events change order: a grade made here, with
    a clock behind, sorts before another device's grade of the same card that arrived
    earlier. The sync must replay the card, not only move its rows."""
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    b.grade("c1", "card", 3, T0 + timedelta(hours=3))
    b.grade("c2", "card", 3, T0 + timedelta(hours=3))
    sync(b, folder)
    sync(a, folder)  # b's grades are here now
    a.grade("c1", "card", 1, T0 + timedelta(hours=1))  # before b's, by the merge order
    a.grade("c2", "card", 4, T0 + timedelta(hours=4))  # after it: order kept
    before_sync = states(a)
    sync(a, folder)
    assert states(a) == rebuilt(a)
    assert states(a)["c1"] != before_sync["c1"]  # the grade order changed: c1 replayed
    sync(b, folder)
    assert history(a) == history(b) and states(a) == states(b)


def test_partial_segment_is_skipped_with_a_warning_then_read_whole(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    for i in range(20):
        a.grade(f"c{i}", "card", 3, T0 + timedelta(minutes=i))
    sync(a, folder)
    (seg,) = (folder / a.client_id).glob("seg-*.jsonl")
    whole = seg.read_bytes()
    for cut in (len(whole) // 3, len(whole) - 2, 5):
        seg.write_bytes(whole[:cut])
        report = sync(b, folder)
        assert report.received["reviews"] == 0
        assert any("incomplete" in w and str(seg) in w for w in report.warnings)
        assert b.count_grades() == 0
        b.verify()
    seg.write_bytes(whole)
    report = sync(b, folder)
    assert report.received["reviews"] == 20 and not report.warnings
    assert states(a) == states(b)


def test_malformed_record_skips_the_segment(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    a.grade("c1", "card", 3, T0)
    sync(a, folder)
    (seg,) = (folder / a.client_id).glob("seg-*.jsonl")
    lines = seg.read_bytes().split(b"\n")
    bad = lines[1].replace(b'"grade",3', b'"grade",9')
    import hashlib
    lines[1], lines[2] = bad, b'{"sha256":"%s"}' % hashlib.sha256(bad).hexdigest().encode()
    seg.write_bytes(b"\n".join(lines))
    report = sync(b, folder)
    assert b.count_grades() == 0 and any("malformed" in w for w in report.warnings)


def test_a_sync_killed_mid_write_leaves_both_sides_valid(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    a.grade("c1", "card", 3, T0)
    b.grade("c2", "card", 3, T0 + timedelta(minutes=1))
    sync(b, folder)

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(syncmod.os, "fsync", broken)
    with pytest.raises(SyncError, match="nothing was lost"):
        sync(a, folder)
    monkeypatch.undo()
    # no partial file was left in the folder; a received b's events and stays consistent
    assert not list((folder / a.client_id).glob("*")) if (folder / a.client_id).exists() \
        else True
    assert states(a) == rebuilt(a)
    a.verify()
    sync(a, folder)
    sync(b, folder)
    assert history(a) == history(b) and states(a) == states(b)


@pytest.mark.parametrize("where", ["_number_unstamped", "_Stage.fill", "_rewrite",
                                   "_apply_stamps", "_insert_attempts",
                                   "_ExportAhead._prepare"])
def test_a_first_sync_failing_anywhere_changes_nothing(tmp_path: Path, where: str) -> None:
    """A first sync (numbered apart, staged, rewritten on another thread, exported ahead)
    that fails at any step leaves the home as it was (a failed export ahead only means
    the export reads after the merge); the next sync completes and every side agrees."""
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    for i in range(12):
        a.grade(f"c{i % 4}", "card", 1 + i % 4, T0 + timedelta(minutes=2 * i))
        r = b.grade(f"c{i % 3}", "card", 1 + i % 3, T0 + timedelta(minutes=2 * i + 1))
        if i == 5:
            b.undo(r.review_id, T0 + timedelta(minutes=2 * i + 1, seconds=30))
    b.record_attempt("k1", T0, "passed", 0, 900, "cpu", "x = 1")
    sync(a, folder)
    before, states_before = history(b), states(b)
    owner, _, name = where.rpartition(".")
    target = getattr(syncmod, owner) if owner else syncmod

    def boom(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(syncmod, "BIG_MOVE", 0)
        mp.setattr(syncmod, "STAMP_IN_SQL", 0)
        mp.setattr(target, name, boom)
        if where == "_ExportAhead._prepare":  # the export reads after the merge instead
            report = sync(b, folder)
            assert report.sent["reviews"] == 13 and report.received["reviews"] == 12
        else:
            with pytest.raises(StudyError):
                sync(b, folder)
            assert history(b) == before and states(b) == states_before
            assert not (folder / b.client_id).exists()
    b.verify()
    assert b.conn.execute("PRAGMA database_list").fetchall()[-1][1] in ("main", "temp")
    sync(b, folder)
    sync(a, folder)
    assert history(a) == history(b) and states(a) == states(b) == rebuilt(b)
    assert len(history(a)) == 25


def test_a_first_sync_without_a_stage_fills_a_temporary_table(tmp_path: Path) -> None:
    """Where SQLite cannot share an in-memory database between two connections, a big
    move's new records go into the sync's own temporary table: the same result."""
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    for i in range(10):
        a.grade(f"c{i % 4}", "card", 1 + i % 4, T0 + timedelta(minutes=2 * i))
        b.grade(f"c{i % 3}", "card", 1 + i % 3, T0 + timedelta(minutes=2 * i + 1))
    sync(a, folder)

    def no_stage(*args: object) -> None:
        raise sqlite3.OperationalError("no shared in-memory database")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(syncmod, "BIG_MOVE", 0)
        mp.setattr(syncmod, "STAMP_IN_SQL", 0)
        mp.setattr(syncmod._Stage, "__init__", no_stage)
        assert sync(b, folder).received["reviews"] == 10
    sync(a, folder)
    assert history(a) == history(b) and states(a) == states(b) == rebuilt(b)
    assert len(history(a)) == 20


_KILLED_SYNC = """
import sys, time
from pathlib import Path
from zoneinfo import ZoneInfo
from study import sync as syncmod
from study.clock import DayClock
from study.scheduler import Srs
from study.store import Store
syncmod.BIG_MOVE = syncmod.STAMP_IN_SQL = 0  # every part of a first sync, on a small log
store = Store(Path(sys.argv[1]), Srs(), DayClock(ZoneInfo("UTC"), 4))
print("ready", flush=True)
syncmod.sync(store, Path(sys.argv[2]))
print("done", flush=True)
"""


def _bulk_grades(store: Store, n: int, seed: int) -> None:
    """`n` grades of 50 cards, written as the app writes them (no sequence yet)."""
    rows = [(f"c{(seed * 7 + i * 13) % 50}", 1 + (i * seed) % 4,
             int((T0 + timedelta(minutes=3 * i + seed)).timestamp() * 1000))
            for i in range(n)]
    with store.transaction() as c:
        c.executemany("INSERT INTO reviews (item_id, kind, rating, ts, day, client_id) "
                      "VALUES (?, 'card', ?, ?, 739000, ?)",
                      [(item, rating, ts, store.client_id) for item, rating, ts in rows])
    store.rebuild()


def test_a_sync_killed_at_any_point_leaves_a_valid_home_and_the_next_completes(
        tmp_path: Path) -> None:
    """`kill -9` of a first sync at moments spread over its run: the home opens, passes
    its check and holds either nothing of the sync or all of it; the folder holds none
    of its files half written; the next sync completes and both sides agree."""
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    _bulk_grades(a, 3000, 1)
    _bulk_grades(b, 3000, 2)
    folder = tmp_path / "shared"
    folder.mkdir()
    sync(a, folder)
    before = history(b)
    a.close()
    b.close()
    env = {**os.environ, "PYTHONPATH": str(Path(syncmod.__file__).parents[1])}

    def run(n: int, delay: float | None) -> tuple[Path, Path, float]:
        """A sync of a copy of b, killed `delay` s after it starts (None: not killed)."""
        home, where = tmp_path / f"b{n}.db", tmp_path / f"shared{n}"
        shutil.copy(tmp_path / "b.db", home)
        shutil.copytree(folder, where)
        proc = subprocess.Popen([sys.executable, "-c", _KILLED_SYNC, str(home), str(where)],
                                stdout=subprocess.PIPE, text=True, env=env)
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        start = time.perf_counter()
        if delay is None:
            assert proc.stdout.readline() == "done\n"
        else:
            time.sleep(delay)
            proc.kill()
        proc.wait()
        return home, where, time.perf_counter() - start

    _, _, whole = run(0, None)
    killed_early = 0
    for n in range(1, 9):
        home, where, _ = run(n, whole * (n - 1) / 8)
        killed = open_store(home)
        killed.verify()
        got = history(killed)
        assert got == before or len(got) == 6000  # nothing of it, or all of it
        killed_early += got == before
        assert states(killed) == rebuilt(killed)
        mine = where / killed.client_id
        for path in mine.glob("seg-*") if mine.exists() else ():
            syncmod._read_segment(path, killed.client_id)  # whole, or not there
        sync(killed, where)
        assert not list(mine.glob(".*"))  # what the killed sync left half written is gone
        other = open_store(Path(shutil.copy(tmp_path / "a.db", tmp_path / f"a{n}.db")))
        sync(other, where)
        assert history(other) == history(killed) and len(history(killed)) == 6000
        assert states(other) == states(killed)
        other.close()
        killed.close()
    assert killed_early >= 3  # the kills landed inside the sync, not after it


def test_bad_sync_dirs_are_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(SyncError, match="does not exist"):
        check_dir(tmp_path / "nope")
    (tmp_path / "file").write_text("x")
    with pytest.raises(SyncError, match="not a folder"):
        check_dir(tmp_path / "file")
    with pytest.raises(SyncError, match="no sync folder"):
        check_dir("")
    env = {**os.environ, "STUDY_HOME": str(tmp_path / "home")}
    for arg in ([str(tmp_path / "nope")], [str(tmp_path / "file")], []):
        proc = subprocess.run([sys.executable, "-m", "study", "sync", *arg], env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("study: error: ")
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "home" / "study.db").exists()


def test_cli_sync_with_the_setting(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text(f'sync_dir = "{folder}"\nnew_per_day = 9\n')
    env = {**os.environ, "STUDY_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-m", "study", "sync", "--json"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '"received"' in proc.stdout
    assert len([p for p in folder.iterdir() if p.is_dir()]) == 1


def test_settings_newest_change_per_key_wins(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    ha, hb = tmp_path / "ha", tmp_path / "hb"
    ha.mkdir()
    hb.mkdir()
    a, b = open_store(ha / "study.db"), open_store(hb / "study.db")
    (ha / "settings.toml").write_text("new_per_day = 5\nkata_device = \"cpu\"\n")
    sync(a, folder, ha, T0)
    (hb / "settings.toml").write_text("new_per_day = 20\nleech_threshold = 6\n")
    sync(b, folder, hb, T0 + timedelta(hours=1))  # b's change is newer: b keeps it
    sync(a, folder, ha, T0 + timedelta(hours=2))
    text_a = (ha / "settings.toml").read_text()
    assert "new_per_day = 20" in text_a and "leech_threshold = 6" in text_a
    assert 'kata_device = "cpu"' in text_a  # a machine's own setting stays its own
    assert "kata_device" not in (hb / "settings.toml").read_text()
    (ha / "settings.toml").write_text(text_a.replace("new_per_day = 20", "new_per_day = 11"))
    sync(a, folder, ha, T0 + timedelta(hours=3))
    sync(b, folder, hb, T0 + timedelta(hours=4))
    assert "new_per_day = 11" in (hb / "settings.toml").read_text()


def test_kata_attempts_and_parameter_sets_sync(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    rid = a.grade("k1", "kata", 3, T0).review_id
    a.record_attempt("k1", T0, "passed", 1, 500, "cpu", "x = 1", rid)
    params = list(Srs().parameters("card"))
    params[0] = params[0] * 1.5
    a.adopt_parameters("card", params, T0 + timedelta(minutes=1), reviews=1)
    a.grade("c1", "card", 3, T0 + timedelta(minutes=2))
    b.grade("c2", "card", 3, T0 + timedelta(minutes=3))
    for s in (a, b, a):
        sync(s, folder)
    assert b.attempt_counts() == {"k1": (1, 1)}
    assert b.attempt_for_review(b.kata_grade_today("k1", DAYS.day_of(T0).toordinal()) or 0)
    assert [p[2] for p in b.param_switches()] == [p[2] for p in a.param_switches()]
    assert states(a) == states(b) == rebuilt(b)


# -- convergence: three homes, random work, random syncs -----------------------------

OPS = st.lists(st.tuples(
    st.integers(0, 2),                       # device
    st.sampled_from(["grade", "grade", "grade", "undo", "suspend", "forget", "sync"]),
    st.integers(0, 3),                       # item
    st.integers(1, 4),                       # rating
    st.integers(0, 90),                      # minutes forward on that device's clock
), max_size=30)


def _converging(test: Callable[..., None]) -> Callable[..., None]:
    """Hypothesis's random interleavings of three homes' work and syncs (`_converge`'s
    arguments)."""
    return settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])(
        given(ops=OPS, skew=st.lists(st.integers(-120, 120), min_size=3, max_size=3),
              final=st.permutations([0, 1, 2]))(test))


@_converging
def test_three_homes_converge(tmp_path_factory: pytest.TempPathFactory, ops: list,
                              skew: list[int], final: list[int]) -> None:
    _converge(tmp_path_factory.mktemp("conv"), ops, skew, final)


@_converging
def test_three_homes_converge_when_every_move_is_big(
        tmp_path_factory: pytest.TempPathFactory, ops: list, skew: list[int],
        final: list[int]) -> None:
    """The first-sync path (the reviews numbered apart, the new records staged and their
    CHECK constraints verified there, indexes rebuilt after the move, the log replayed
    while another thread rewrites it) on every move."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(syncmod, "BIG_MOVE", 0)
        mp.setattr(syncmod, "STAMP_IN_SQL", 0)
        _converge(tmp_path_factory.mktemp("big"), ops, skew, final)


@_converging
def test_three_homes_converge_when_every_stamping_is_numbered_apart(
        tmp_path_factory: pytest.TempPathFactory, ops: list, skew: list[int],
        final: list[int]) -> None:
    """A device's first-sync stamping (its reviews numbered by SQLite while the segments
    are read, the rows taking their stamps as the merge moves them, or after) on every
    sync, with the merge's moves small (in place, indexes kept)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(syncmod, "STAMP_IN_SQL", 0)
        _converge(tmp_path_factory.mktemp("numbered"), ops, skew, final)


def _converge(root: Path, ops: list, skew: list[int], final: list[int]) -> None:
    folder = root / "shared"
    folder.mkdir()
    homes = [open_store(root / f"h{i}.db") for i in range(3)]
    clocks = [T0 + timedelta(minutes=s) for s in skew]
    try:
        for dev, op, item, rating, step in ops:
            s = homes[dev]
            clocks[dev] += timedelta(minutes=step)
            at: datetime = clocks[dev]
            if op == "sync":
                sync(s, folder)
            elif op == "grade":
                s.grade(f"c{item}", "card", rating, at)
            elif op in ("suspend", "forget"):
                s.action(f"c{item}", "card", op, at)
            else:
                last = s.last_live_action(DAYS.day_of(at).toordinal(), s.client_id)
                if last is not None:
                    s.undo(last, at)
        for order in (final, final):
            for i in order:
                sync(homes[i], folder)
        ref = history(homes[0])
        assert len(ref) == sum(1 for o in ops if o[1] != "sync" and o[1] != "undo") + sum(
            1 for r in ref if r[3] == "undo")
        for s in homes[1:]:
            assert history(s) == ref
        st0 = states(homes[0])
        for s in homes:
            assert states(s) == st0
        assert rebuilt(homes[2]) == st0
    finally:
        for s in homes:
            s.close()


def test_auto_sync_does_nothing_without_the_setting_and_reports_in_one_line(
        tmp_path: Path) -> None:
    from study.core import open_study
    from study.settings import Settings
    from study.sync import auto_sync

    home = tmp_path / "home"
    study = open_study(home, Settings(bundled_content=False))
    try:
        assert auto_sync(study) is None
        assert not any(p.name == "shared" for p in tmp_path.iterdir())
        study.settings.sync_dir = str(tmp_path / "missing")
        note = auto_sync(study)
        assert note is not None and "does not exist" in note and "\n" not in note
        (tmp_path / "shared").mkdir()
        study.settings.sync_dir = str(tmp_path / "shared")
        study.store.grade("c1", "card", 3, T0)
        assert auto_sync(study) is None
        assert list((tmp_path / "shared" / study.store.client_id).glob("seg-*.jsonl"))
    finally:
        study.close()


def _backed_up(tmp_path: Path) -> tuple[Path, Store, Store, Path]:
    """A sync folder, two homes a and b, a's first grade synced, and a backup of a then."""
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    a.grade("c1", "card", 3, T0)
    sync(a, folder)
    return folder, a, b, a.backup_to(tmp_path / "old.db")


def _restored(a: Store, backup: Path) -> Store:
    """Home `a` replaced by its `backup`, as a restore does."""
    a.close()
    for extra in ("", "-wal", "-shm"):
        Path(f"{a.path}{extra}").unlink(missing_ok=True)
    backup.rename(a.path)
    return open_store(a.path)


def test_a_home_restored_from_an_old_backup_takes_its_own_events_back(tmp_path: Path) -> None:
    folder, a, b, old = _backed_up(tmp_path)
    a.grade("c2", "card", 3, T0 + timedelta(hours=1))
    a.grade("c1", "card", 2, T0 + timedelta(hours=2))
    sync(a, folder)
    a = _restored(a, old)
    a.grade("c3", "card", 4, T0 + timedelta(hours=3))  # new work on the restored home
    sync(a, folder)
    sync(b, folder)
    sync(a, folder)
    assert a.count_grades() == 4
    h = history(a)
    assert h == history(b)
    assert [r[1] for r in h] == [1, 2, 3, 4]
    assert states(a) == states(b) == rebuilt(a)


def test_a_restored_home_waits_for_its_own_segment_still_being_copied(
        tmp_path: Path) -> None:
    """A home restored from a backup, whose own folder holds a later segment that is still
    being copied: its new reviews wait (unstamped, unsent) until that segment is whole,
    so never take a number it holds; then it is taken back, they go out after it, and
    every device agrees."""
    folder, a, b, old = _backed_up(tmp_path)
    a.grade("c2", "card", 3, T0 + timedelta(hours=1))
    sync(a, folder)
    a.grade("c1", "card", 2, T0 + timedelta(hours=2))
    third = sync(a, folder).segment
    assert third is not None
    whole = third.read_bytes()
    third.write_bytes(whole[:len(whole) // 2 + 40])  # header whole, records cut short
    a = _restored(a, old)
    a.grade("c3", "card", 4, T0 + timedelta(hours=3))  # new work on the restored home
    report = sync(a, folder)
    assert any(str(third) in w for w in report.warnings)
    assert report.received["reviews"] == 1 and report.segment is None  # the second's
    assert a.conn.execute("SELECT seq FROM reviews WHERE item_id = 'c3'").fetchone() == (None,)
    third.write_bytes(whole)  # the copy completes
    report = sync(a, folder)
    assert report.received["reviews"] == 1 and report.segment is not None
    line = json.loads(report.segment.read_bytes().split(b"\n")[1])
    assert [r[0] for r in line["reviews"]] == [4]  # after the third segment's 3
    sync(b, folder)
    sync(a, folder)
    h = history(a)
    assert h == history(b) and [r[1] for r in h] == [1, 2, 3, 4]
    assert states(a) == states(b) == rebuilt(a)


def test_the_export_prepared_ahead_is_the_export(tmp_path: Path) -> None:
    """This device's news are serialised on another connection while the merge runs, with
    the records not stamped yet numbered as the sync stamps them: the segment holds
    exactly what an export after the merge would (undo references to records stamped in
    the same sync, attempts, parameter sets), on a first sync and on a later one."""
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    zero = {"reviews": 0, "attempts": 0, "params": 0}
    a = open_store(tmp_path / "a.db")
    a.grade("c1", "card", 3, T0)
    rid = a.grade("c2", "card", 2, T0 + timedelta(minutes=1)).review_id
    a.undo(rid, T0 + timedelta(minutes=2))
    a.record_attempt("k1", T0 + timedelta(minutes=3), "passed", 1, 900, "cpu", "def f(): 'é'")
    a.adopt_parameters("card", None, T0 + timedelta(minutes=4))
    predicted = syncmod._ExportAhead(a, first / a.client_id, zero).result()
    assert predicted is not None
    assert predicted.counts == {"reviews": 3, "attempts": 1, "params": 1}
    report = sync(a, first)  # stamps everything
    assert report.sent == {"reviews": 3, "attempts": 1, "params": 1}
    expected = syncmod._body(a.conn, a.client_id, zero)
    assert predicted == expected
    assert report.segment is not None
    assert report.segment.read_bytes().split(b"\n")[1] == expected.line
    assert json.loads(expected.line)["reviews"][2][9:11] == [a.client_id, 2]  # the undone

    ahead = syncmod._ExportAhead(a, second / a.client_id, zero)  # all stamped already
    assert ahead.result() == expected
    report = sync(a, second)
    assert report.segment is not None
    assert report.segment.read_bytes().split(b"\n")[1] == expected.line
    b = open_store(tmp_path / "b.db")
    sync(b, second)
    assert history(b) == history(a) and states(b) == states(a)

    # news after a sync: stamped ones after the folder's, then ones not stamped yet
    rid = a.grade("c3", "card", 4, T0 + timedelta(minutes=5)).review_id
    a.undo(rid, T0 + timedelta(minutes=6))
    upto = {"reviews": 3, "attempts": 1, "params": 1}
    predicted = syncmod._ExportAhead(a, second / a.client_id, upto).result()
    assert predicted is not None and predicted.counts["reviews"] == 2
    assert sync(a, second).sent["reviews"] == 2
    assert predicted == syncmod._body(a.conn, a.client_id, upto)
    sync(b, second)
    assert history(b) == history(a) and states(b) == states(a)


def test_a_first_sync_numbers_a_big_log_apart(tmp_path: Path) -> None:
    """More unstamped reviews than STAMP_IN_SQL (a device's first sync): they are numbered
    by SQLite while the segments are read, and stamped as the merge moves them (or after,
    where they stay): the same history, states and segment as stamping them one by one."""
    a, b = open_store(tmp_path / "a0.db"), open_store(tmp_path / "b0.db")
    for i in range(30):
        a.grade(f"c{i % 7}", "card", 1 + i % 4, T0 + timedelta(minutes=2 * i))
    for i in range(40):  # before, among (some at the same times) and after a's; some undone
        r = b.grade(f"c{i % 5}", "card", 1 + i % 3, T0 + timedelta(minutes=3 * i - 30))
        if i % 9 == 4:
            b.undo(r.review_id, T0 + timedelta(minutes=3 * i - 29))
    a.close()
    b.close()
    for name in ("a", "b"):  # the same two devices again, for the other way
        shutil.copy(tmp_path / f"{name}0.db", tmp_path / f"{name}1.db")
    homes = [(open_store(tmp_path / f"a{n}.db"), open_store(tmp_path / f"b{n}.db"))
             for n in range(2)]
    folders = [tmp_path / "f0", tmp_path / "f1"]
    for f in folders:
        f.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(syncmod, "STAMP_IN_SQL", 10)
        sync(homes[0][0], folders[0])
        report = sync(homes[0][1], folders[0])
        assert report.received["reviews"] == 30
    sync(homes[1][0], folders[1])
    sync(homes[1][1], folders[1])  # stamped one by one
    (a0, b0), (a1, b1) = homes
    assert history(b0) == history(b1) and states(b0) == states(b1) == rebuilt(b0)
    segments = [sorted((f / b0.client_id).iterdir()) for f in folders]
    assert [p.read_bytes() for p in segments[0]] == [p.read_bytes() for p in segments[1]]
    sync(a0, folders[0])
    assert history(a0) == history(b0) and states(a0) == states(b0)


@pytest.mark.parametrize(("table", "row"), [
    ("reviews", [1, "c1", "card", [], None, 1_700_000_000_000, 738_000, None, None, None,
                 None, None]),
    ("attempts", [1, "k1", 1_700_000_000_000, {"passed": 1}, 0, None, None, None, None,
                  None]),
])
def test_a_record_with_a_list_where_a_name_belongs_is_malformed(tmp_path: Path, table: str,
                                                                row: list) -> None:
    """JSON that decodes to a list or an object where an event or status name belongs:
    the segment is malformed (skipped with a warning), never a crash of the sync."""
    import hashlib
    import json

    body = json.dumps({"reviews": [], "attempts": [], "params": [], table: [row]}).encode()
    head = {"format": syncmod.FORMAT, "version": syncmod.VERSION, "device": "dev-1"}
    path = tmp_path / "seg-00000001.jsonl"
    path.write_bytes(json.dumps(head).encode() + b"\n" + body + b"\n" + json.dumps(
        {"sha256": hashlib.sha256(body).hexdigest()}).encode() + b"\n")
    with pytest.raises(ValueError, match="malformed"):
        syncmod._read_segment(path, "dev-1")
