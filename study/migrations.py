"""Forward-only schema migrations, tracked with `PRAGMA user_version`.

Never edit a released migration: append a new one. Each runs in one
transaction with the version bump, so a crash leaves the old version intact.
"""

from __future__ import annotations

import sqlite3

from study.errors import SchemaError

V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The append-only log: the truth. Grades and the other user actions that
-- change an item's state, in commit order (id).
CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id      TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('card', 'kata')),
    event        TEXT    NOT NULL DEFAULT 'grade'
                 CHECK (event IN ('grade', 'undo', 'suspend', 'unsuspend',
                                  'bury', 'unbury', 'forget')),
    rating       INTEGER CHECK (rating BETWEEN 1 AND 4),
    ts           INTEGER NOT NULL,   -- UTC, milliseconds since the epoch
    day          INTEGER NOT NULL,   -- study day it counted for (date ordinal)
    duration_ms  INTEGER,
    client_id    TEXT    NOT NULL,
    state_before INTEGER,            -- FSRS state before a grade: 0 new .. 3 relearning
    undoes       INTEGER REFERENCES reviews (id),
    until_ms     INTEGER,            -- for 'bury'
    CHECK ((event = 'grade') = (rating IS NOT NULL)),
    CHECK ((event = 'undo') = (undoes IS NOT NULL))
);
CREATE INDEX reviews_item ON reviews (item_id, id);
CREATE INDEX reviews_day ON reviews (day);
CREATE UNIQUE INDEX reviews_undoes ON reviews (undoes) WHERE undoes IS NOT NULL;

-- Derived from the log; `study db rebuild` recreates it.
CREATE TABLE item_state (
    item_id         TEXT PRIMARY KEY,
    kind            TEXT    NOT NULL,
    state           INTEGER NOT NULL,
    step            INTEGER,
    stability       REAL,
    difficulty      REAL,
    due_ms          INTEGER,
    last_review_ms  INTEGER,
    reps            INTEGER NOT NULL DEFAULT 0,
    lapses          INTEGER NOT NULL DEFAULT 0,
    suspended       INTEGER NOT NULL DEFAULT 0,
    buried_until_ms INTEGER,
    leech           INTEGER NOT NULL DEFAULT 0,
    last_event      INTEGER REFERENCES reviews (id)
);
CREATE INDEX item_state_due ON item_state (due_ms);
"""

V2 = """
-- Kata attempts: every check, with the code that was checked.
CREATE TABLE attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kata_id     TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('passed', 'failed', 'error', 'timeout', 'oom')),
    hints_used  INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER,
    device      TEXT,
    solution    TEXT,
    review_id   INTEGER REFERENCES reviews (id),
    client_id   TEXT    NOT NULL
);
CREATE INDEX attempts_kata ON attempts (kata_id, id);

-- Hints revealed, so a hint counts against the grade even across restarts.
CREATE TABLE hints (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    kata_id TEXT    NOT NULL,
    ts      INTEGER NOT NULL,
    number  INTEGER NOT NULL
);
CREATE INDEX hints_kata ON hints (kata_id, ts);
"""

V3 = """
-- What was last exported to Anki, so a note's modification time moves forward
-- only when its content changed (Anki's "update if newer" relies on it).
CREATE TABLE anki_export (
    key  TEXT PRIMARY KEY,   -- 'note:<item id>' or 'model:<model id>'
    hash TEXT    NOT NULL,
    mod  INTEGER NOT NULL    -- seconds since the epoch
);
"""

V4 = """
-- Day-range statistics (streak, reviews per day, the heatmap) read only this
-- index instead of the whole log: it covers day, event and the row id.
CREATE INDEX reviews_day_event ON reviews (day, event);
"""

V5 = """
-- FSRS parameter sets fitted to the log (`study optimize`), append-only like the
-- log: a set is in force for the grades logged after `after_review`, so a
-- rebuild switches where live grading switched. A revert appends the set it
-- goes back to (NULL parameters: the defaults).
CREATE TABLE fsrs_params (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL CHECK (kind IN ('card', 'kata')),
    after_review INTEGER NOT NULL,   -- the newest log id when the set was adopted
    ts           INTEGER NOT NULL,   -- UTC, milliseconds since the epoch
    fsrs_version TEXT    NOT NULL,   -- the FSRS the set is for ('FSRS-6')
    parameters   TEXT,               -- JSON list of floats; NULL = the defaults
    reverts      INTEGER REFERENCES fsrs_params (id),
    reviews      INTEGER NOT NULL DEFAULT 0,   -- reviews the fit used
    evaluation   TEXT,               -- JSON: the health check when it was fitted
    client_id    TEXT    NOT NULL
);
"""

V6 = """
-- Sync (study.sync): every event names its device (client_id, one random id per home)
-- and its place in that device's own sequence, so homes merge by a union keyed on
-- (client_id, seq). ord_ts is the device's running maximum of ts: the merge order
-- interleaves devices by it, and a clock set back cannot reorder one device's events.
-- Rows written before this migration are the local device's, in id order.
ALTER TABLE reviews ADD COLUMN seq INTEGER;
ALTER TABLE reviews ADD COLUMN ord_ts INTEGER;
UPDATE reviews SET seq = id, ord_ts = m.run FROM (
    SELECT id AS rid, MAX(ts) OVER (PARTITION BY client_id ORDER BY id) AS run FROM reviews
) AS m WHERE reviews.id = m.rid;
CREATE UNIQUE INDEX reviews_device_seq ON reviews (client_id, seq);
CREATE INDEX reviews_merge_order ON reviews (ord_ts, client_id, seq);
-- Two devices may each undo the same synced grade before they meet: both undos are kept.
DROP INDEX reviews_undoes;
CREATE UNIQUE INDEX reviews_undoes ON reviews (undoes, client_id) WHERE undoes IS NOT NULL;
ALTER TABLE attempts ADD COLUMN seq INTEGER;
UPDATE attempts SET seq = id;
CREATE UNIQUE INDEX attempts_device_seq ON attempts (client_id, seq);
ALTER TABLE fsrs_params ADD COLUMN seq INTEGER;
UPDATE fsrs_params SET seq = id;
CREATE UNIQUE INDEX fsrs_params_device_seq ON fsrs_params (client_id, seq);
"""

V7 = """
-- reviews_day_event (V4) serves every lookup by day that reviews_day did (day is its
-- first column); one index less to keep up on every write, and to build when a big
-- sync or import writes the log anew.
DROP INDEX IF EXISTS reviews_day;
"""

MIGRATIONS: list[str] = [V1, V2, V3, V4, V5, V6, V7]
LATEST = len(MIGRATIONS)




def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Bring the database up to `target`; returns the version it was at."""
    start = version(conn)
    if start > LATEST:
        raise SchemaError(
            f"this database has schema version {start}, newer than this study "
            f"(which knows up to {LATEST}); upgrade study"
        )
    for v in range(start, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if version(conn) != v:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            for statement in _statements(MIGRATIONS[v]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {v + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return start


def _statements(script: str) -> list[str]:
    """Split a script into statements (executescript would commit on its own)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf)
            buf = ""
    return out
