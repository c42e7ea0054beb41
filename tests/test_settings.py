"""Settings: a TOML file in the home, `STUDY_*` variables on top."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.paths import resolve_home
from study.settings import Settings, SettingsError, load_settings, save_settings


def test_defaults_round_trip(tmp_path: Path) -> None:
    assert load_settings(tmp_path, environ={}) == Settings()
    s = Settings(new_per_day=7, desired_retention=0.85, content_dirs=["/a", "b"],
                 bury_siblings=False, timezone="Asia/Shanghai")
    save_settings(tmp_path, s)
    assert load_settings(tmp_path, environ={}) == s


def test_environment_overrides_file(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text("new_per_day = 3\nbury_siblings = true\n")
    s = load_settings(tmp_path, environ={
        "STUDY_NEW_PER_DAY": "9", "STUDY_BURY_SIBLINGS": "no",
        "STUDY_CONTENT_DIRS": "/x:/y", "STUDY_DESIRED_RETENTION": "0.8"})
    assert (s.new_per_day, s.bury_siblings, s.content_dirs, s.desired_retention) == (
        9, False, ["/x", "/y"], 0.8)


@pytest.mark.parametrize(("text", "message"), [
    ("new_per_dya = 3\n", "unknown setting 'new_per_dya'"),
    ("desired_retention = 0.5\n", "desired_retention must be between 0.70 and 0.99"),
    ("new_per_day = 'many'\n", "new_per_day = 'many' is not a valid int"),
    ("new_per_day = \n", "settings.toml"),
])
def test_bad_settings_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "settings.toml").write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings(tmp_path, environ={})


def test_bad_environment_value(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="STUDY_BURY_SIBLINGS = 'maybe'"):
        load_settings(tmp_path, environ={"STUDY_BURY_SIBLINGS": "maybe"})


def test_home_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDY_HOME", str(tmp_path / "env"))
    assert resolve_home() == tmp_path / "env"
    assert resolve_home(tmp_path / "flag") == tmp_path / "flag"
    monkeypatch.delenv("STUDY_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_home() == tmp_path / "xdg" / "study"
