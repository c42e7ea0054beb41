"""`study sync`: homes exchange events through a shared folder and converge."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import T0
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study import sync as syncmod
from study.clock import DayClock
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


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, skew=st.lists(st.integers(-120, 120), min_size=3, max_size=3),
       final=st.permutations([0, 1, 2]))
def test_three_homes_converge(tmp_path_factory: pytest.TempPathFactory, ops: list,
                              skew: list[int], final: list[int]) -> None:
    _converge(tmp_path_factory.mktemp("conv"), ops, skew, final)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, skew=st.lists(st.integers(-120, 120), min_size=3, max_size=3),
       final=st.permutations([0, 1, 2]))
def test_three_homes_converge_when_every_move_is_big(
        tmp_path_factory: pytest.TempPathFactory, ops: list, skew: list[int],
        final: list[int]) -> None:
    """The first-sync path (indexes rebuilt after the move, the new records' CHECK
    constraints verified in the temporary table, the log replayed while another thread
    rewrites it, the stamps set by one UPDATE) on every move."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(syncmod, "BIG_MOVE", 0)
        mp.setattr(syncmod, "STAMP_IN_SQL", 0)
        _converge(tmp_path_factory.mktemp("big"), ops, skew, final)


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


def test_a_home_restored_from_an_old_backup_takes_its_own_events_back(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    a.grade("c1", "card", 3, T0)
    sync(a, folder)
    old = a.backup_to(tmp_path / "old.db")
    a.grade("c2", "card", 3, T0 + timedelta(hours=1))
    a.grade("c1", "card", 2, T0 + timedelta(hours=2))
    sync(a, folder)
    a.close()
    (tmp_path / "a.db").unlink()
    for extra in ("a.db-wal", "a.db-shm"):
        (tmp_path / extra).unlink(missing_ok=True)
    old.rename(tmp_path / "a.db")
    a = open_store(tmp_path / "a.db")
    a.grade("c3", "card", 4, T0 + timedelta(hours=3))  # new work on the restored home
    sync(a, folder)
    sync(b, folder)
    sync(a, folder)
    assert a.count_grades() == 4
    h = history(a)
    assert h == history(b)
    assert [r[1] for r in h] == [1, 2, 3, 4]
    assert states(a) == states(b) == rebuilt(a)


def test_the_export_prepared_ahead_is_the_export(tmp_path: Path) -> None:
    """A device whose records are all stamped (it synced with another folder) has its news
    serialised on another connection while the merge runs: the segment holds exactly
    what the export after the merge would (undo references, attempts, parameter sets);
    with a record not stamped yet, the export reads after the merge as before."""
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    a = open_store(tmp_path / "a.db")
    a.grade("c1", "card", 3, T0)
    rid = a.grade("c2", "card", 2, T0 + timedelta(minutes=1)).review_id
    a.undo(rid, T0 + timedelta(minutes=2))
    a.record_attempt("k1", T0 + timedelta(minutes=3), "passed", 1, 900, "cpu", "def f(): 'é'")
    a.adopt_parameters("card", None, T0 + timedelta(minutes=4))
    sync(a, first)  # stamps everything
    zero = {"reviews": 0, "attempts": 0, "params": 0}
    expected = syncmod._body(a.conn, a.client_id, zero)
    ahead = syncmod._ExportAhead(a, second / a.client_id)
    prepared = ahead.result()
    assert prepared is not None and prepared == expected
    assert prepared.counts == {"reviews": 3, "attempts": 1, "params": 1}
    report = sync(a, second)
    assert report.sent == {"reviews": 3, "attempts": 1, "params": 1}
    line = report.segment.read_bytes().split(b"\n")[1] if report.segment else b""
    assert line == expected.line
    b = open_store(tmp_path / "b.db")
    sync(b, second)
    assert history(b) == history(a) and states(b) == states(a)

    a.grade("c3", "card", 4, T0 + timedelta(minutes=5))  # not stamped until a sync
    ahead = syncmod._ExportAhead(a, second / a.client_id)
    assert ahead.result() is None
    assert sync(a, second).sent["reviews"] == 1
    sync(b, second)
    assert history(b) == history(a) and states(b) == states(a)


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
