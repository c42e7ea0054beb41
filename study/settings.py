"""User settings: `settings.toml` in the study home, overridden by `STUDY_*` variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

SETTINGS_FILE = "settings.toml"


class SettingsError(ValueError):
    pass


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

    def validate(self) -> None:
        checks = [
            (0 <= self.new_per_day <= 9999, "new_per_day must be between 0 and 9999"),
            (0 <= self.new_katas_per_day <= 99, "new_katas_per_day must be between 0 and 99"),
            (0 <= self.max_reviews_per_day <= 99999, "max_reviews_per_day must be 0-99999"),
            (
                0.70 <= self.desired_retention <= 0.99,
                "desired_retention must be between 0.70 and 0.99",
            ),
            (1 <= self.maximum_interval <= 36500, "maximum_interval must be 1-36500 days"),
            (0 <= self.day_rollover_hour <= 23, "day_rollover_hour must be 0-23"),
            (self.leech_threshold >= 1, "leech_threshold must be at least 1"),
            (self.leech_action in ("suspend", "tag"), "leech_action must be 'suspend' or 'tag'"),
            (self.backups_keep >= 0, "backups_keep must be 0 or more"),
            (self.kata_device in ("auto", "cpu", "cuda"), "kata_device must be auto, cpu or cuda"),
        ]
        problems = [msg for ok, msg in checks if not ok]
        if problems:
            raise SettingsError("; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "settings") -> Settings:
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise SettingsError(f"{origin}: unknown setting {key!r}")
            values[key] = _coerce(key, known[key].type, value, origin)
        settings = cls(**values)
        try:
            settings.validate()
        except SettingsError as exc:
            raise SettingsError(f"{origin}: {exc}") from None
        return settings


def _coerce(key: str, type_name: Any, value: Any, origin: str) -> Any:
    """Coerce TOML values and environment strings to the field's type."""
    type_name = str(type_name)
    try:
        if type_name == "bool":
            if isinstance(value, str):
                low = value.strip().lower()
                if low in ("1", "true", "yes", "on"):
                    return True
                if low in ("0", "false", "no", "off"):
                    return False
                raise ValueError(value)
            if isinstance(value, bool):
                return value
            raise ValueError(value)
        if type_name == "int":
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if type_name == "float":
            return float(value)
        if type_name == "str":
            if not isinstance(value, str):
                raise ValueError(value)
            return value
        if type_name == "list[str]":
            if isinstance(value, str):
                return [p for p in value.split(os.pathsep) if p]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return list(value)
            raise ValueError(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{origin}: {key} = {value!r} is not a valid {type_name}") from None
    raise SettingsError(f"{origin}: unsupported setting type for {key}")


def load_settings(home: Path, environ: dict[str, str] | None = None) -> Settings:
    """Read `settings.toml` (if any), then apply `STUDY_<NAME>` environment overrides."""
    env = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    path = home / SETTINGS_FILE
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: {exc}") from None
    base = Settings.from_dict(data, origin=str(path))
    overrides: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get("STUDY_" + f.name.upper())
        if raw is not None:
            overrides[f.name] = _coerce("STUDY_" + f.name.upper(), f.type, raw, "environment")
    if not overrides:
        return base
    merged = base.to_dict() | overrides
    return Settings.from_dict(merged, origin="environment")


def save_settings(home: Path, settings: Settings) -> Path:
    import tomli_w

    settings.validate()
    home.mkdir(parents=True, exist_ok=True)
    path = home / SETTINGS_FILE
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(settings.to_dict()), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a crash never leaves half a settings file
    return path
