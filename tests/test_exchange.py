"""`study export json` / `study import json`: a home restored exactly."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

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
    assert replaced.returncode == 0 and (b / "backups" / "before-import.db").exists()


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
