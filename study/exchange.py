"""`study export json` / `study import json`: all content and the review history as JSON.

The history (the review log, kata attempts, hints, the export memory, the client
id) and the settings restore a home exactly; item states are rebuilt from the
log. The content is included for other tools; on import it comes from the files.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from study import __version__
from study.core import Study
from study.errors import ExchangeError
from study.settings import Settings, load_settings, save_settings

FORMAT = "study-export"
VERSION = 1
TABLES: dict[str, tuple[str, ...]] = {
    "reviews": ("id", "item_id", "kind", "event", "rating", "ts", "day", "duration_ms",
                "client_id", "state_before", "undoes", "until_ms"),
    "attempts": ("id", "kata_id", "ts", "status", "hints_used", "duration_ms", "device",
                 "solution", "review_id", "client_id"),
    "hints": ("id", "kata_id", "ts", "number"),
    "anki_export": ("key", "hash", "mod"),
}




def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if f.name not in ("ref", "folder")}
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    return obj


def export_data(study: Study) -> dict[str, Any]:
    c = study.content
    conn = study.store.conn
    history = {
        name: [dict(zip(cols, row, strict=True)) for row in conn.execute(
            f"SELECT {', '.join(cols)} FROM {name} ORDER BY {cols[0]}")]
        for name, cols in TABLES.items()
    }
    history["client_id"] = study.store.client_id  # type: ignore[assignment]
    return {
        "format": FORMAT, "version": VERSION, "study_version": __version__,
        "exported_at": study.now().isoformat(),
        # The settings file's values, not STUDY_* overrides of this shell.
        "settings": load_settings(study.home, environ={}).to_dict(),
        "content": {"tracks": _plain(c.tracks), "topics": _plain(c.topics),
                    "cards": _plain(c.cards), "katas": _plain(c.katas)},
        "history": history,
    }


def import_data(study: Study, data: dict[str, Any], replace: bool = False) -> dict[str, int]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExchangeError("not a study export (no \"format\": \"study-export\")")
    if data.get("version") != VERSION:
        raise ExchangeError(f"unsupported export version {data.get('version')!r}")
    history = data.get("history")
    if not isinstance(history, dict):
        raise ExchangeError("the export has no history")
    conn = study.store.conn
    used = sum(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES)
    if used and not replace:
        raise ExchangeError(f"{study.home} already has review history; import into an empty "
                            "home, or pass --replace (a backup is made first)")
    if used:
        study.store.backup_to(study.home / "backups" / "before-import.db")
    counts = {}
    with study.store.transaction() as c:
        c.execute("DELETE FROM item_state")
        for table in reversed(list(TABLES)):
            c.execute(f"DELETE FROM {table}")
        for table, cols in TABLES.items():
            rows = history.get(table, [])
            try:
                c.executemany(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                    f"({', '.join('?' * len(cols))})",
                    [tuple(row[k] for k in cols) for row in rows])
            except (KeyError, TypeError) as exc:
                raise ExchangeError(f"malformed {table} rows in the export: {exc}") from None
            counts[table] = len(rows)
        if history.get("client_id"):
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('client_id', ?)",
                      (str(history["client_id"]),))
    study.store.client_id = str(history.get("client_id") or study.store.client_id)
    study.store.rebuild()
    if isinstance(data.get("settings"), dict):
        save_settings(study.home, Settings.from_dict(data["settings"], origin="the export"))
    return counts
