"""Bulk writes (study.bulk): all or nothing per call, indexes back as they were, and the
schema's CHECK constraints still enforced, once per table instead of once per row."""

from __future__ import annotations

import gc
import sqlite3

import pytest

from study import migrations
from study.bulk import bulk_mode, check_constraints, checks_after, indexes_deferred, insert_many

COLS = ("id", "item_id", "kind", "event", "rating", "ts", "day", "client_id")


def _db() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:", isolation_level=None)
    migrations.migrate(c)
    return c


def _grade(i: int, **extra: object) -> tuple:
    row = {"id": i, "item_id": f"c{i % 7}", "kind": "card", "event": "grade", "rating": 3,
           "ts": 1_700_000_000_000 + i, "day": 739_000, "client_id": "dev"} | extra
    return tuple(row[k] for k in COLS)


@pytest.mark.parametrize("n", [1, 499, 500, 501, 4000, 9001])
def test_insert_many_writes_every_row_in_order(n: int) -> None:
    c = _db()
    rows = [_grade(i) for i in range(1, n + 1)]
    c.execute("BEGIN")
    insert_many(c, "reviews", COLS, rows)
    c.execute("COMMIT")
    assert c.execute(f"SELECT {', '.join(COLS)} FROM reviews ORDER BY id").fetchall() == rows


def test_a_failing_call_leaves_nothing_of_itself() -> None:
    c = _db()
    c.execute("BEGIN")
    insert_many(c, "reviews", COLS, [_grade(1)])
    with pytest.raises(sqlite3.IntegrityError):  # the duplicate is in the last statement
        insert_many(c, "reviews", COLS, [_grade(i) for i in range(2, 9000)] + [_grade(5)])
    assert c.execute("SELECT id FROM reviews").fetchall() == [(1,)]
    c.execute("COMMIT")


def test_check_constraints_come_from_the_schema() -> None:
    c = _db()
    assert check_constraints(c, "reviews") == [
        "kind IN ('card', 'kata')",
        "event IN ('grade', 'undo', 'suspend', 'unsuspend',\n"
        "                                  'bury', 'unbury', 'forget')",
        "rating BETWEEN 1 AND 4",
        "(event = 'grade') = (rating IS NOT NULL)",
        "(event = 'undo') = (undoes IS NOT NULL)",
    ]
    assert check_constraints(c, "item_state") == []


@pytest.mark.parametrize("bad", [{"kind": "deck"}, {"rating": 9}, {"event": "undo"},
                                 {"event": "suspend"}, {"event": "cram"}])
def test_a_row_that_breaks_a_check_still_fails_the_write(bad: dict) -> None:
    c = _db()
    c.execute("BEGIN")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed: reviews"), \
            checks_after(c, ["attempts", "reviews"]):
        insert_many(c, "reviews", COLS, [_grade(1), _grade(2, **bad), _grade(3)])
    c.execute("ROLLBACK")
    # and the per-row checks are back on
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        insert_many(c, "reviews", COLS, [_grade(1, **bad)])
    assert c.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0


def test_good_rows_pass_the_checks_after() -> None:
    c = _db()
    c.execute("BEGIN")
    with checks_after(c, ["reviews"]):
        insert_many(c, "reviews", COLS, [_grade(i) for i in range(1, 100)])
    c.execute("COMMIT")
    assert c.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 99
    assert c.execute("PRAGMA ignore_check_constraints").fetchone()[0] == 0


def test_indexes_come_back_as_they_were() -> None:
    c = _db()
    schema = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    before = c.execute(schema).fetchall()
    c.execute("BEGIN")
    with indexes_deferred(c, "reviews", keep=frozenset({"reviews_undoes"})):
        names = {r[0] for r in c.execute(schema)}
        assert "reviews_item" not in names and "reviews_undoes" in names
        insert_many(c, "reviews", COLS, [_grade(i) for i in range(1, 50)])
    c.execute("COMMIT")
    assert c.execute(schema).fetchall() == before
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # a failed bulk write: the caller's rollback brings the indexes back
    c.execute("BEGIN")
    with pytest.raises(RuntimeError), indexes_deferred(c, "reviews"):
        raise RuntimeError("the write failed")
    c.execute("ROLLBACK")
    assert c.execute(schema).fetchall() == before


def test_bulk_mode_restores_the_cache_and_the_collector() -> None:
    c = _db()
    cache = c.execute("PRAGMA cache_size").fetchone()[0]
    assert gc.isenabled()
    with pytest.raises(RuntimeError), bulk_mode(c):
        assert not gc.isenabled()
        assert c.execute("PRAGMA cache_size").fetchone()[0] == -64 * 1024
        raise RuntimeError
    assert gc.isenabled() and c.execute("PRAGMA cache_size").fetchone()[0] == cache
