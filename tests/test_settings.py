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
    ("new_per_dya = 3\n", r"settings.toml:1: unknown setting 'new_per_dya' \(did you mean "
                          r"'new_per_day'\?\)"),
    ("# mine\n\ndesired_retention = 0.5\n",
     r"settings.toml:3: desired_retention = 0.5: must be between 0.70 and 0.99"),
    ("new_per_day = 'many'\n", r"settings.toml:1: new_per_day = 'many': must be a whole number"),
    ("new_per_day = 2.5\n", r"settings.toml:1: new_per_day = 2.5: must be a whole number"),
    ("new_per_day = true\n", r"new_per_day = True: must be a whole number"),
    ("new_per_day = -1\n", r"new_per_day = -1: must be between 0 and 9999"),
    ("desired_retention = nan\n", r"desired_retention = nan: must be a number"),
    ("bury_siblings = 1\n", r"bury_siblings = 1: must be true or false"),
    ("content_dirs = [1]\n", r"content_dirs = \[1\]: must be a list of strings"),
    ("timezone = 'Mars/Olympus'\n", r"timezone = 'Mars/Olympus': is not an IANA time zone"),
    ("new_per_day = {a = 1}\n", r"new_per_day = \{'a': 1\}: must be a whole number"),
    ("x = 1\nnew_per_day = \n", r"settings.toml:2:\d+: not valid TOML"),
])
def test_bad_settings_name_the_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "settings.toml").write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings(tmp_path, environ={})


def test_unreadable_settings_files_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_bytes(b"new_per_day = 3\n# caf\xe9\n")
    with pytest.raises(SettingsError, match=r"settings.toml:2: not UTF-8 text \(byte 0xe9\)"):
        load_settings(tmp_path, environ={})
    (tmp_path / "settings.toml").unlink()
    (tmp_path / "settings.toml").mkdir()
    with pytest.raises(SettingsError, match="is a folder, not a settings file"):
        load_settings(tmp_path, environ={})


def test_bad_environment_value(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="STUDY_BURY_SIBLINGS='maybe': must be true or false"):
        load_settings(tmp_path, environ={"STUDY_BURY_SIBLINGS": "maybe"})
    with pytest.raises(SettingsError, match="STUDY_NEW_PER_DAY='2.5': must be a whole number"):
        load_settings(tmp_path, environ={"STUDY_NEW_PER_DAY": "2.5"})
    with pytest.raises(SettingsError, match="environment: STUDY_NEW_PER_DAY=.10000.: must be"):
        load_settings(tmp_path, environ={"STUDY_NEW_PER_DAY": "10000"})


def test_saving_changes_only_what_the_user_changed(tmp_path: Path) -> None:
    original = ("# my study settings\n"
                "desired_retention = 0.85  # a bit easier\n"
                "\n"
                "# my own cards\n"
                "content_dirs = ['~/cards']\n")
    (tmp_path / "settings.toml").write_text(original)
    env = {"STUDY_NEW_PER_DAY": "3"}
    effective = load_settings(tmp_path, environ=env)
    assert effective.new_per_day == 3
    # The app saves the effective settings with one value changed.
    from dataclasses import replace

    save_settings(tmp_path, replace(effective, backups_keep=3), environ=env)
    text = (tmp_path / "settings.toml").read_text()
    assert text.startswith(original)  # comments, layout and order kept
    assert "backups_keep = 3" in text
    assert "new_per_day" not in text  # the environment override is not made permanent
    assert "maximum_interval" not in text  # nor are the defaults written out
    assert load_settings(tmp_path, environ={}).backups_keep == 3
    # Changing an existing key keeps its comment.
    save_settings(tmp_path, replace(load_settings(tmp_path, environ={}),
                                    desired_retention=0.9), environ={})
    text = (tmp_path / "settings.toml").read_text()
    assert "desired_retention = 0.9  # a bit easier" in text
    assert "# my own cards" in text
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_home_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDY_HOME", str(tmp_path / "env"))
    assert resolve_home() == tmp_path / "env"
    assert resolve_home(tmp_path / "flag") == tmp_path / "flag"
    monkeypatch.delenv("STUDY_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_home() == tmp_path / "xdg" / "study"
