"""`study export json` / `study import json`: a home restored exactly."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import write_kata, write_mini
from test_cli import env_for, study


def _state(home: Path) -> list:
    db = sqlite3.connect(home / "study.db")
    try:
        return db.execute("SELECT * FROM item_state ORDER BY item_id").fetchall()
    finally:
        db.close()


def test_round_trip_restores_the_home_exactly(tmp_path: Path) -> None:
    content = write_mini(tmp_path / "content")
    write_kata(content, "kata-one", "alpha")
    a = tmp_path / "a"
    a.mkdir()
    (a / "settings.toml").write_text("new_per_day = 7\nleech_threshold = 5\n")
    env_a = env_for(a, content)
    keys = ["", "3", "b", "", "\\u", "b", "", "hello world", "", "", "4", "", "s", "q"]
    assert study(["review", "--plain"], env_a, "\n".join(keys) + "\n").returncode == 0
    assert study(["kata", "hint", "kata-one"], env_a).returncode == 0
    dump = tmp_path / "dump.json"
    assert study(["export", "json", "--out", str(dump)], env_a).returncode == 0
    data = json.loads(dump.read_text())
    assert data["format"] == "study-export"
    assert len(data["history"]["reviews"]) >= 6 and data["history"]["hints"]
    assert "alpha-cloze" in data["content"]["cards"]

    b = tmp_path / "b"
    env_b = env_for(b, content)
    out = study(["import", "json", str(dump)], env_b)
    assert out.returncode == 0, out.stderr
    assert _state(b) == _state(a)
    again = json.loads(study(["export", "json"], env_b).stdout)
    data.pop("exported_at"), again.pop("exported_at")
    assert again == data
    settings_b = json.loads(study(["settings", "--json"], env_b).stdout)
    assert settings_b == json.loads(study(["settings", "--json"], env_a).stdout)
    assert settings_b["new_per_day"] == 7 and settings_b["leech_threshold"] == 5
    stats_a = json.loads(study(["stats", "--json"], env_a).stdout)
    stats_b = json.loads(study(["stats", "--json"], env_b).stdout)
    assert stats_a == stats_b

    # A home with history is not overwritten by accident; --replace backs it up first.
    again = study(["import", "json", str(dump)], env_b)
    assert again.returncode == 2 and "already has review history" in again.stderr
    replaced = study(["import", "json", str(dump), "--replace"], env_b)
    assert replaced.returncode == 0, replaced.stderr
    backups = list((b / "backups").glob("before-import-*.db"))
    assert len(backups) == 1 and str(backups[0]) in replaced.stderr


def test_bad_import_files(tmp_path: Path) -> None:
    env = env_for(tmp_path / "home", write_mini(tmp_path / "content"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    out = study(["import", "json", str(bad)], env)
    assert out.returncode == 2 and f"{bad}:1:2: not JSON" in out.stderr
    bad.write_text('{"format": "something else"}')
    out = study(["import", "json", str(bad)], env)
    assert out.returncode == 2 and "not a study export" in out.stderr
    out = study(["import", "json", str(tmp_path / "missing.json")], env)
    assert out.returncode == 2 and "cannot read" in out.stderr


def _home_with_history(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    content = write_mini(tmp_path / "content")
    home = tmp_path / "home"
    env = env_for(home, content)
    assert study(["review", "--plain", "--limit", "1"], env, "\n3\nq\n").returncode == 0
    dump = tmp_path / "dump.json"
    assert study(["export", "json", "--out", str(dump)], env).returncode == 0
    return home, env, dump


def _snapshot(home: Path) -> tuple:
    db = sqlite3.connect(home / "study.db")
    try:
        return tuple(db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                     for t in ("reviews", "item_state", "attempts", "hints", "meta"))
    finally:
        db.close()


def test_a_bad_row_imports_nothing_and_names_every_problem(tmp_path: Path) -> None:
    home, env, dump = _home_with_history(tmp_path)
    data = json.loads(dump.read_text())
    grade = data["history"]["reviews"][0]
    rows = [grade | {"id": 10}, grade | {"id": 11, "ts": "yesterday"},
            grade | {"id": 12, "rating": 7}, grade | {"id": 13, "kind": ["card"]},
            {k: v for k, v in grade.items() if k != "day"} | {"id": 14}]
    data["history"]["reviews"] = rows
    data["settings"]["new_per_day"] = 2.5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    fresh = env | {"STUDY_HOME": str(tmp_path / "fresh")}
    out = study(["import", "json", str(bad)], fresh)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    for path in ("history.reviews[1].ts", "history.reviews[2].rating: must be 1-4",
                 "history.reviews[3].kind", "history.reviews[4]: missing day",
                 "settings.new_per_day = 2.5: must be a whole number"):
        assert f"{bad}: {path}" in out.stderr, (path, out.stderr)
    assert out.stderr.strip().endswith("5 problem(s); nothing was imported")
    # Nothing was written: the fresh home has no history, `db rebuild` works.
    assert _snapshot(tmp_path / "fresh")[0] == []
    assert study(["db", "rebuild"], fresh).returncode == 0
    # --replace with a bad file: the old history stays, whole.
    before = _snapshot(home)
    out = study(["import", "json", str(bad), "--replace"], env)
    assert out.returncode == 2
    assert _snapshot(home) == before
    assert not (home / "settings.toml").exists() or "2.5" not in (
        home / "settings.toml").read_text()


@pytest.mark.parametrize(("text", "expected"), [
    (b'{"format": "study-export", "version": 1, "history": {"reviews": [\xff]}}',
     "not UTF-8 text"),
    (b'{"format": "study-export", "version": 1, "settings": ' + b"[" * 50000 + b"]" * 50000
     + b"}", "nested too deeply"),
    (b'{"format": "study-export", "version": 1, "content": ' + b"[" * 100 + b"]" * 100
     + b', "history": {}}', "nested more than 64 deep"),
    (b'{"format": "study-export", "version": 1, "history": []}', "history: must be an object"),
    (b'{"format": "study-export", "version": 1, "history": {"reviews": {}}}',
     "history.reviews: must be a list"),
    (b'{"format": "study-export", "version": 1, "history": {"reviews": [1]}}',
     "history.reviews[0]: must be an object"),
    (b'{"format": "study-export", "version": 1, "history": {"hints": [{"id": 1, "kata_id": '
     b'"k", "ts": 1, "number": 1}]}}', "history.hints[0].ts"),
    (b'{"format": "study-export", "version": 2}', "unsupported export version 2"),
    (b'[]', "not a study export"),
    (b'{"format": "study-export", "version": 1, "history": {"reviews": [{"id": 1, "item_id": '
     b'"\\ud800", "kind": "card", "event": "grade", "rating": 3, "ts": 1700000000000, "day": '
     b'739000, "duration_ms": 1, "client_id": "x", "state_before": null, "undoes": null, '
     b'"until_ms": null}]}}', "history.reviews (id 1): a string holds a lone surrogate"),
    (b'', "not JSON"),
])
def test_hostile_import_files_are_clear(tmp_path: Path, text: bytes, expected: str) -> None:
    env = env_for(tmp_path / "home", write_mini(tmp_path / "content"))
    bad = tmp_path / "bad.json"
    bad.write_bytes(text)
    out = study(["import", "json", str(bad)], env)
    assert out.returncode == 2, out.stderr
    assert expected in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert _snapshot(tmp_path / "home")[0] == []


def test_a_duplicate_id_is_named_alone(tmp_path: Path) -> None:
    """Rows go in hundreds to a statement; the failing statement leaves nothing behind, so
    only the duplicate is reported, not the good rows before it in its statement."""
    home, env, dump = _home_with_history(tmp_path)
    data = json.loads(dump.read_text())
    grade = data["history"]["reviews"][0]
    data["history"]["reviews"] = [grade | {"id": i, "ts": grade["ts"] + i}
                                  for i in range(1, 1201)] + [grade | {"id": 700}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    out = study(["import", "json", str(bad)], env | {"STUDY_HOME": str(tmp_path / "x")})
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "history.reviews (id 700): a duplicate id" in out.stderr
    assert out.stderr.count("a duplicate id") == 1, out.stderr
    assert _snapshot(tmp_path / "x")[0] == []


def test_dangling_undo_is_refused(tmp_path: Path) -> None:
    home, env, dump = _home_with_history(tmp_path)
    data = json.loads(dump.read_text())
    grade = data["history"]["reviews"][0]
    data["history"]["reviews"].append(grade | {"id": 99, "event": "undo", "rating": None,
                                               "undoes": 12345})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    out = study(["import", "json", str(bad)], env | {"STUDY_HOME": str(tmp_path / "x")})
    assert out.returncode == 2
    assert ("history.reviews (id 99).undoes: 12345 is not a grade or an action in the log"
            in out.stderr)


def test_settings_of_an_interrupted_import_are_written_on_the_next_open(tmp_path: Path) -> None:
    home, env, _ = _home_with_history(tmp_path)
    db = sqlite3.connect(home / "study.db")
    db.execute("INSERT INTO meta (key, value) VALUES ('pending_settings', 'new_per_day = 4\n')")
    db.commit()
    db.close()
    out = study(["settings", "--json"], env)  # does not open the database
    out = study(["today", "--json"], env)
    assert out.returncode == 0, out.stderr
    assert (home / "settings.toml").read_text() == "new_per_day = 4\n"
    assert json.loads(study(["settings", "--json"], env).stdout)["new_per_day"] == 4
    assert ("pending_settings",) not in sqlite3.connect(home / "study.db").execute(
        "SELECT key FROM meta").fetchall()


def test_undone_actions_survive_the_round_trip(tmp_path: Path) -> None:
    content = write_mini(tmp_path / "content")
    a = tmp_path / "a"
    env_a = env_for(a, content)
    # grade a cloze, suspend the mcq, undo the suspend, grade the mcq
    out = study(["review", "--plain"], env_a, "\n3\n\\s\n\\u\nb\n\nq\n")
    assert out.returncode == 0 and "(suspend)" in out.stdout, out.stdout
    dump = tmp_path / "dump.json"
    assert study(["export", "json", "--out", str(dump)], env_a).returncode == 0
    events = [r["event"] for r in json.loads(dump.read_text())["history"]["reviews"]]
    assert "undo" in events and "suspend" in events
    env_b = env_for(tmp_path / "b", content)
    out = study(["import", "json", str(dump)], env_b)
    assert out.returncode == 0, out.stderr
    assert _state(tmp_path / "b") == _state(a)


def test_every_kind_of_event_in_order_imports_as_a_rebuild_replays_it(tmp_path: Path) -> None:
    """A log in id order without undos is replayed from the import's compact columns while
    the indexes are built: grades, each other event (a bury's end too), two kinds, many
    items; the states must be what `study db rebuild` makes of the same log."""
    home, env, dump = _home_with_history(tmp_path)
    data = json.loads(dump.read_text())
    grade = data["history"]["reviews"][0]
    events = ["grade"] * 6 + ["suspend", "unsuspend", "bury", "unbury", "forget"]
    rows = []
    for i in range(1, 12_001):  # more than one batch
        event = events[(i * 7) % len(events)] if i % 3 else "grade"
        ts = grade["ts"] + i * 3_600_000
        rows.append(grade | {
            "id": i, "item_id": f"item-{i % 97}", "kind": "kata" if i % 97 == 5 else "card",
            "event": event, "rating": (i % 4) + 1 if event == "grade" else None, "ts": ts,
            "day": grade["day"] + i // 24, "until_ms": ts + 86_400_000 if event == "bury"
            else None})
    data["history"]["reviews"] = rows
    good = tmp_path / "good.json"
    good.write_text(json.dumps(data))
    fresh = env | {"STUDY_HOME": str(tmp_path / "fresh")}
    out = study(["import", "json", str(good)], fresh)
    assert out.returncode == 0, out.stderr
    imported = _state(tmp_path / "fresh")
    assert len(imported) == 97
    assert study(["db", "rebuild"], fresh).returncode == 0
    assert _state(tmp_path / "fresh") == imported
