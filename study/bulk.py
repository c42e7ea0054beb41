"""Bulk writes into SQLite (an import, a first sync): rows go in hundreds to a statement,
and a table's lookup indexes are built once after the rows instead of row by row.

Nothing here touches durability: every call runs inside the caller's transaction, so a
failure or a kill leaves the database as it was before that transaction.
"""

from __future__ import annotations

import gc
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain

# Rows per INSERT statement (or fewer: as many as the build's limit on bound values
# allows). Per statement, not per row, SQLite pays the AUTOINCREMENT bookkeeping and sets
# up the IN lists of the log's CHECK constraints.
ROWS_PER_STATEMENT = 500


def insert_many(c: sqlite3.Connection, table: str, cols: Sequence[str],
                rows: Sequence[Sequence[object]]) -> None:
    """Insert `rows` (values in `cols` order), many to a statement. A failure (say, a
    constraint's sqlite3.IntegrityError) leaves nothing of this call behind."""
    if not rows:
        return
    width = len(cols)
    limit = c.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(ROWS_PER_STATEMENT, limit // width))
    head = f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
    one = "(" + ", ".join("?" * width) + ")"
    full = head + ", ".join([one] * per)
    n = len(rows)
    c.execute("SAVEPOINT insert_many")  # one statement undoes itself; several need this
    try:
        for start in range(0, n - per + 1, per):
            c.execute(full, list(chain.from_iterable(rows[start:start + per])))
        rest = n % per
        if rest:
            c.execute(head + ", ".join([one] * rest),
                      list(chain.from_iterable(rows[n - rest:])))
    except BaseException:
        c.execute("ROLLBACK TO insert_many")
        raise
    finally:
        c.execute("RELEASE insert_many")


@contextmanager
def indexes_deferred(c: sqlite3.Connection, table: str,
                     keep: frozenset[str] = frozenset()) -> Iterator[None]:
    """Drop `table`'s indexes (but those named in `keep`) for a bulk write and create them
    again after it, in the caller's transaction: one sort each instead of a B-tree insert
    per row. If the body fails, the caller's rollback brings them back."""
    indexes = [(name, sql) for name, sql in c.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name", (table,)) if name not in keep]
    for name, _ in indexes:
        c.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        c.execute(sql)


def check_constraints(c: sqlite3.Connection, table: str) -> list[str]:
    """The expressions of `table`'s CHECK constraints, read from its schema."""
    row = c.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                    (table,)).fetchone()
    sql = re.sub(r"--[^\n]*", "", row[0] if row else "")  # the schema's comments
    out = []
    for m in re.finditer(r"\bCHECK\s*\(", sql, re.IGNORECASE):
        depth, quote, i = 1, "", m.end()
        while depth and i < len(sql):
            ch = sql[i]
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            i += 1
        out.append(sql[m.end():i - 1])
    return out


def verify_checks(c: sqlite3.Connection, table: str, rows: str | None = None,
                  exprs: Sequence[str] | None = None) -> None:
    """Scan `rows` (a table with `table`'s columns; by default `table` itself) for a row
    that breaks one of `table`'s CHECK constraints (`exprs`: those, read before, where
    `c` is another database's connection): sqlite3.IntegrityError if one does."""
    if exprs is None:
        exprs = check_constraints(c, table)
    if not exprs:
        return
    bad = c.execute(f"SELECT rowid FROM {rows or table} WHERE "
                    + " OR ".join(f"NOT ({e})" for e in exprs) + " LIMIT 1").fetchone()
    if bad is not None:
        raise sqlite3.IntegrityError(f"CHECK constraint failed: {table} (row {bad[0]})")


@contextmanager
def checks_off(c: sqlite3.Connection) -> Iterator[None]:
    """No CHECK constraints for the length of a bulk write whose rows were verified
    (`verify_checks`) or will be."""
    before = c.execute("PRAGMA ignore_check_constraints").fetchone()[0]
    c.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        c.execute(f"PRAGMA ignore_check_constraints = {int(before)}")


@contextmanager
def checks_after(c: sqlite3.Connection, tables: Sequence[str]) -> Iterator[None]:
    """The CHECK constraints of `tables` verified once, in one scan of each after a bulk
    write, instead of for every row as it goes in (where they cost more than the insert
    itself). A row that breaks one fails the write with sqlite3.IntegrityError, as it
    would have on its way in."""
    with checks_off(c):
        yield
    for table in tables:
        verify_checks(c, table)


@contextmanager
def bulk_mode(c: sqlite3.Connection, cache_mib: int = 64) -> Iterator[None]:
    """For the length of a bulk write: a bigger page cache (the index sorts and the table's
    pages stay in memory) and no cyclic garbage collection (a million short-lived rows
    that form no cycles would trigger it thousands of times). Both restored after."""
    old_cache = c.execute("PRAGMA cache_size").fetchone()[0]
    was_enabled = gc.isenabled()
    c.execute(f"PRAGMA cache_size = {-cache_mib * 1024}")
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        c.execute(f"PRAGMA cache_size = {int(old_cache)}")

