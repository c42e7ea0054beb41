"""User settings: `settings.toml` in the study home, overridden by `STUDY_*` variables.

Every problem is one line naming the file, the line and the key. Saving
changes only the keys the user changed and keeps the file's comments and
order (tomlkit); an environment override is never written.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from study.errors import SettingsError
from study.paths import SETTINGS_FILE

MAX_SETTINGS_BYTES = 1_000_000


@dataclass
class Settings:
    new_per_day: int = 15
    new_katas_per_day: int = 1
    max_reviews_per_day: int = 200
    desired_retention: float = 0.9
    maximum_interval: int = 36500
    day_rollover_hour: int = 4
    timezone: str = ""  # IANA name; empty = the system's zone
    leech_threshold: int = 8
    leech_action: str = "suspend"  # "suspend" or "tag"
    bury_siblings: bool = True
    content_dirs: list[str] = field(default_factory=list)
    bundled_content: bool = True  # false: only your own content_dirs
    backups_keep: int = 7
    kata_device: str = "auto"
    kata_first: bool = False  # today's katas before the cards (interview practice)
    # The app re-fits FSRS to your reviews when they have doubled (at most once a day).
    auto_optimize: bool = True
    # Plans and deadline goals (study/plans.py).
    max_minutes_per_day: int = 120  # a deadline needing more a day is refused
    plan_mix_outside: bool = False  # new cards outside a running plan's topics still come
    interview_retention: float = 0.95  # katas and chosen tracks before an interview date
    milestone_recall: float = 0.85  # a milestone's topics count as known above this recall
    # A folder kept in step between machines (Syncthing, a git repository): `study sync`
    # and the app at start and on quit exchange reviews through it. Empty: no sync.
    sync_dir: str = ""

    def validate(self, origin: str = "settings", lines: dict[str, int] | None = None) -> None:
        """Check ranges; the error names `origin`, the key's line (when known) and the key."""
        for key, ok, rule in self._checks():
            if not ok:
                value = getattr(self, key)
                raise SettingsError(f"{_where(origin, lines, key)}{key} = {_show(value)}: {rule}")

    def _checks(self) -> list[tuple[str, bool, str]]:
        return [
            ("new_per_day", 0 <= self.new_per_day <= 9999, "must be between 0 and 9999"),
            ("new_katas_per_day", 0 <= self.new_katas_per_day <= 99, "must be between 0 and 99"),
            ("max_reviews_per_day", 0 <= self.max_reviews_per_day <= 99999,
             "must be between 0 and 99999"),
            ("desired_retention", 0.70 <= self.desired_retention <= 0.99,
             "must be between 0.70 and 0.99"),
            ("maximum_interval", 1 <= self.maximum_interval <= 36500,
             "must be between 1 and 36500 days"),
            ("day_rollover_hour", 0 <= self.day_rollover_hour <= 23, "must be between 0 and 23"),
            ("timezone", _zone_ok(self.timezone), "is not an IANA time zone (e.g. Europe/Berlin)"),
            ("leech_threshold", 1 <= self.leech_threshold <= 999, "must be between 1 and 999"),
            ("leech_action", self.leech_action in ("suspend", "tag"),
             "must be \"suspend\" or \"tag\""),
            ("backups_keep", 0 <= self.backups_keep <= 999, "must be between 0 and 999"),
            ("kata_device", self.kata_device in ("auto", "cpu", "cuda"),
             "must be \"auto\", \"cpu\" or \"cuda\""),
            ("max_minutes_per_day", 5 <= self.max_minutes_per_day <= 1440,
             "must be between 5 and 1440"),
            ("interview_retention", 0.70 <= self.interview_retention <= 0.99,
             "must be between 0.70 and 0.99"),
            ("milestone_recall", 0.5 <= self.milestone_recall <= 0.99,
             "must be between 0.50 and 0.99"),
            ("content_dirs", all(d.strip() and "\0" not in d for d in self.content_dirs),
             "holds an empty or invalid folder name"),
        ]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "settings",
                  lines: dict[str, int] | None = None) -> Settings:
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                close = difflib.get_close_matches(str(key), list(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise SettingsError(f"{_where(origin, lines, key)}unknown setting {key!r}{hint}")
            try:
                values[key] = _coerce(known[key].type, value)
            except ValueError as exc:
                raise SettingsError(
                    f"{_where(origin, lines, key)}{key} = {_show(value)}: {exc}") from None
        settings = cls(**values)
        settings.validate(origin, lines)
        return settings


def _where(origin: str, lines: dict[str, int] | None, key: str) -> str:
    line = (lines or {}).get(key)
    return f"{origin}:{line}: " if line else f"{origin}: "


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _zone_ok(name: str) -> bool:
    if not name:
        return True
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


_WHOLE = re.compile(r"[+-]?\d+")


def _coerce(type_name: Any, value: Any) -> Any:
    """A TOML value or an environment string as the field's type; ValueError says why not."""
    type_name = str(type_name)
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            low = value.strip().lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
        raise ValueError("must be true or false")
    if type_name == "int":
        # 2.5 is not silently 2: a count is a whole number or an error.
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
            return int(value.strip())
        raise ValueError("must be a whole number")
    if type_name == "float":
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                number = None
        if number is None or not math.isfinite(number):
            raise ValueError("must be a number")
        return number
    if type_name == "str":
        if isinstance(value, str):
            return value
        raise ValueError("must be a string (in quotes)")
    if type_name == "list[str]":
        if isinstance(value, str):
            return [p for p in value.split(os.pathsep) if p]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        raise ValueError("must be a list of strings")
    raise ValueError(f"has an unsupported type {type_name}")


def _key_lines(text: str) -> dict[str, int]:
    """The line of each top-level `key = ...`, for messages."""
    out: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*[\"']?([A-Za-z0-9_-]+)[\"']?\s*=", line)
        if m:
            out.setdefault(m.group(1), n)
    return out


def read_settings_file(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its values; missing is empty. Every problem is a SettingsError."""
    if not os.path.lexists(path):
        return "", {}
    if path.is_dir():
        raise SettingsError(f"{path}: is a folder, not a settings file; remove or rename it")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SETTINGS_BYTES + 1)
    except OSError as exc:
        from study.errors import os_words

        raise SettingsError(f"{path}: cannot read: {os_words(exc)}") from None
    if len(raw) > MAX_SETTINGS_BYTES:
        raise SettingsError(f"{path}: too large for a settings file (over 1 MB)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SettingsError(f"{path}:{line}: not UTF-8 text (byte {raw[exc.start]:#04x}); "
                            "save the file as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        where = f"{path}:{m.group(1)}:{m.group(2)}" if m else str(path)
        raise SettingsError(f"{where}: not valid TOML: {msg}") from None
    except RecursionError:
        raise SettingsError(f"{path}: nested too deeply") from None
    return text, data


def load_settings(home: Path, environ: dict[str, str] | None = None) -> Settings:
    """Read `settings.toml` (if any), then apply `STUDY_<NAME>` environment overrides."""
    env = os.environ if environ is None else environ
    path = home / SETTINGS_FILE
    text, data = read_settings_file(path)
    base = Settings.from_dict(data, origin=str(path), lines=_key_lines(text))
    overrides: dict[str, Any] = {}
    for f in fields(Settings):
        name = "STUDY_" + f.name.upper()
        raw = env.get(name)
        if raw is not None:
            try:
                overrides[f.name] = _coerce(f.type, raw)
            except ValueError as exc:
                raise SettingsError(f"environment: {name}={_show(raw)}: {exc}") from None
    if not overrides:
        return base
    merged = Settings(**(base.to_dict() | overrides))
    for key, ok, rule in merged._checks():
        if not ok:
            name = "STUDY_" + key.upper()
            raise SettingsError(f"environment: {name}={_show(env.get(name))}: {rule}")
    return merged


def settings_text(home: Path, values: dict[str, Any]) -> str:
    """The settings file with `values` set: the rest of the text, comments and order kept."""
    import tomlkit

    text, _ = read_settings_file(home / SETTINGS_FILE)
    doc = tomlkit.parse(text) if text else tomlkit.document()
    for key, value in values.items():
        doc[key] = value
    return tomlkit.dumps(doc)


def write_settings_text(home: Path, text: str) -> Path:
    """Replace the settings file atomically (a crash never leaves half a file)."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / SETTINGS_FILE
    tmp = path.with_name(f".{SETTINGS_FILE}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        from study.errors import from_os_error

        raise from_os_error(exc, "cannot save settings to") from None
    return path


def save_settings(home: Path, settings: Settings, environ: dict[str, str] | None = None) -> Path:
    """Save what the user changed: the keys where `settings` differs from the effective ones.

    Keys left alone stay as the file has them (or absent), so an environment
    override or a default is never written out, and comments stay.
    """
    settings.validate()
    try:
        current = load_settings(home, environ).to_dict()
    except SettingsError:
        current = Settings().to_dict()  # an unreadable file was set aside by the caller
    changed = {k: v for k, v in settings.to_dict().items() if current.get(k) != v}
    path = home / SETTINGS_FILE
    if not changed and path.is_file():
        return path
    try:
        text = settings_text(home, changed)
    except SettingsError:
        text = settings_text_fresh(changed)
    return write_settings_text(home, text)


def settings_text_fresh(values: dict[str, Any]) -> str:
    import tomlkit

    doc = tomlkit.document()
    for key, value in values.items():
        doc[key] = value
    return tomlkit.dumps(doc)
