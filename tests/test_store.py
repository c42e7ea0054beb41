"""The SQLite review store: log, derived state, undo, rebuild, migrations, backups."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import T0
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study import migrations
from study.backup import auto_backup
from study.clock import DayClock, to_ms
from study.errors import DatabaseDamaged
from study.migrations import SchemaError
from study.scheduler import ItemState, Srs
from study.store import Store, StoreError

DAYS = DayClock(ZoneInfo("UTC"), 4)


def open_store(path: Path) -> Store:
    return Store(path, Srs(), DAYS)


def state_rows(store: Store) -> dict[str, ItemState]:
    return store.states()


def test_pragmas_and_schema(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        c = store.conn
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert migrations.version(c) == migrations.LATEST
        with pytest.raises(sqlite3.IntegrityError):  # an undo must point at a real grade
            c.execute("INSERT INTO reviews (item_id, kind, event, ts, day, client_id, undoes) "
                      "VALUES ('x', 'card', 'undo', 0, 0, 'c', 999)")


def test_grade_is_committed_before_returning(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        result = store.grade("a", "card", 3, T0, duration_ms=1234)
        # A second, independent connection sees it: it is committed, not pending.
        other = sqlite3.connect(tmp_path / "s.db")
        row = other.execute("SELECT item_id, rating, duration_ms, state_before, day FROM reviews"
                            " WHERE id = ?", (result.review_id,)).fetchone()
        assert row == ("a", 3, 1234, 0, DAYS.day_of(T0).toordinal())
        assert other.execute("SELECT reps FROM item_state WHERE item_id='a'").fetchone() == (1,)


def test_undo_restores_the_exact_prior_state(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        t = T0
        for r in (3, 3, 4):
            store.grade("a", "card", r, t)
            t = store.state("a").due() or t
        before = store.state("a")
        g = store.grade("a", "card", 1, t + timedelta(days=1))
        assert store.state("a") != before
        assert store.undo(g.review_id, t + timedelta(days=1)) == before
        assert store.state("a") == before
        with pytest.raises(StoreError, match="already undone"):
            store.undo(g.review_id, t)
        # Undoing the only grade of an item makes it new again.
        first = store.grade("b", "card", 3, T0)
        store.undo(first.review_id, T0)
        assert store.state("b") == ItemState("b")
        assert "b" not in store.states()
        assert store.count_grades() == 3


ops = st.lists(
    st.tuples(
        st.sampled_from(["grade", "grade", "grade", "undo", "suspend", "unsuspend", "bury",
                         "forget"]),
        st.sampled_from(["a", "b", "c#c1", "c#c2", "k"]),
        st.integers(1, 4),
        st.integers(0, 60 * 24 * 20),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=ops)
def test_rebuild_equals_live(tmp_path_factory: pytest.TempPathFactory, ops: list) -> None:
    path = tmp_path_factory.mktemp("rb") / "s.db"
    with open_store(path) as store:
        t = T0
        graded: list[int] = []
        for op, item, rating, gap in ops:
            t += timedelta(minutes=gap)
            kind = "kata" if item == "k" else "card"
            if op == "grade":
                graded.append(store.grade(item, kind, rating, t).review_id)
            elif op == "undo" and graded:
                store.undo(graded.pop(rating % len(graded)), t)
            elif op == "bury":
                store.action(item, kind, "bury", t, until_ms=to_ms(DAYS.day_end(t)))
            elif op != "undo":
                store.action(item, kind, op, t)
        live = store.states()
        live_events = store.conn.execute(
            "SELECT item_id, last_event FROM item_state ORDER BY item_id").fetchall()
        store.rebuild()
        assert store.states() == live
        assert store.conn.execute(
            "SELECT item_id, last_event FROM item_state ORDER BY item_id").fetchall() == live_events


def test_rebuild_repairs_a_damaged_state_table(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        store.grade("a", "card", 3, T0)
        store.grade("b", "card", 1, T0)
        want = store.states()
        store.conn.execute("UPDATE item_state SET stability = 999, reps = 42")
        store.conn.execute("DELETE FROM item_state WHERE item_id = 'b'")
        assert store.rebuild() == 2
        assert store.states() == want


def _v1_database(path: Path) -> None:
    """A database as study schema version 1 wrote it, with data in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(conn, target=1)
    conn.execute("INSERT INTO meta VALUES ('client_id', 'oldclient')")
    conn.execute("INSERT INTO reviews (item_id, kind, event, rating, ts, day, client_id, "
                 "state_before) VALUES ('a', 'card', 'grade', 3, ?, ?, 'oldclient', 0)",
                 (to_ms(T0), DAYS.day_of(T0).toordinal()))
    conn.close()


@pytest.mark.parametrize("start", range(migrations.LATEST))
def test_migrates_forward_from_every_earlier_version(tmp_path: Path, start: int) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(conn, target=start)
    assert migrations.version(conn) == start
    conn.close()
    if start == 0:  # nothing was written: a zero-byte file is damage, never a new user
        with pytest.raises(DatabaseDamaged, match="is empty"):
            open_store(path)
        return
    if start >= 1:
        path.unlink()
        _v1_database(path)
        conn = sqlite3.connect(path, isolation_level=None)
        migrations.migrate(conn, target=start)
        conn.close()
    with open_store(path) as store:
        assert migrations.version(store.conn) == migrations.LATEST
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert {"reviews", "item_state", "meta", "attempts", "hints"} <= tables
        if start >= 1:
            assert store.client_id == "oldclient"
            assert store.count_grades() == 1
            store.rebuild()
            assert store.state("a").reps == 1
        store.grade("z", "card", 3, T0)  # and it works
        assert store.count_grades() == (2 if start >= 1 else 1)


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.close()
    with pytest.raises(SchemaError, match="newer than this study"):
        open_store(path)


def test_backup_is_a_complete_database(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        store.grade("a", "card", 3, T0)
        dest = store.backup_to(tmp_path / "b" / "copy.db")
    with open_store(dest) as copy:
        assert copy.count_grades() == 1
        assert copy.state("a").reps == 1


def test_auto_backup_once_a_day_keeps_the_last_n(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with open_store(home / "study.db") as store:
        store.grade("a", "card", 3, T0)
        for i in range(6):
            made = auto_backup(store, home, date(2026, 1, 1) + timedelta(days=i), keep=3)
            assert made is not None
        assert auto_backup(store, home, date(2026, 1, 6), keep=3) is None  # already today
        names = sorted(p.name for p in (home / "backups").iterdir())
        assert names == ["study-2026-01-04.db", "study-2026-01-05.db", "study-2026-01-06.db"]
        assert auto_backup(store, home, date(2026, 1, 7), keep=0) is None


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(st.tuples(st.integers(1, 4), st.integers(0, 60 * 24 * 30)), max_size=15),
       rating=st.integers(1, 4), gap=st.integers(0, 60 * 24 * 60))
def test_undo_restores_any_prior_state(tmp_path_factory: pytest.TempPathFactory,
                                       history: list, rating: int, gap: int) -> None:
    with open_store(tmp_path_factory.mktemp("undo") / "s.db") as store:
        t = T0
        for r, g in history:
            store.grade("x", "card", r, t)
            t += timedelta(minutes=g)
        before = store.state("x")
        t += timedelta(minutes=gap)
        g = store.grade("x", "card", rating, t)
        assert store.undo(g.review_id, t) == before
        assert store.state("x") == before
