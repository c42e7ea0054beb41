"""No command shows a traceback, whatever the argv, environment, settings file or import
file: exit 0, 1 or 2, one clear line, and a failed command changes nothing."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import write_mini
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study.cli import main

NOW = "2026-03-02T12:00:00Z"
NASTY = ["", "-", "--", "--json", "--home", "--out", "--limit", "-1", "0", "99999999999999999999",
         "1e400", "nan", "é", "\udcff", "x" * 300, "../..", "/", "/proc/self/mem", "/dev/null",
         "/nonexistent/dir/file", "{", "[]", "null", "3", "again", "--replace", "--plain",
         "--device", "cuda", "--topic", "--track", "--tag", "attention", "\t", " "]
COMMANDS = [[], ["today"], ["today", "--json"], ["stats"], ["stats", "--json"], ["review"],
            ["review", "--plain"], ["content", "check"], ["content", "coverage"],
            ["db", "rebuild"], ["db", "backup"], ["db", "check"], ["db", "restore"],
            ["settings"], ["settings", "--json"], ["export", "json"], ["import", "json"],
            ["kata", "list"], ["kata", "show"], ["kata", "hint"], ["kata", "grade"],
            ["kata", "solution"], ["frobnicate"], ["--version"]]
ENV_KEYS = ["STUDY_NOW", "STUDY_NEW_PER_DAY", "STUDY_DESIRED_RETENTION", "STUDY_TIMEZONE",
            "STUDY_DAY_ROLLOVER_HOUR", "STUDY_BURY_SIBLINGS", "STUDY_CONTENT_DIRS",
            "STUDY_BACKUPS_KEEP", "STUDY_MAXIMUM_INTERVAL", "TZ"]
ENV_VALUES = ["", "0", "-5", "2.5", "1e9", "true", "maybe", "0001-01-01", "9999-12-31T23:59:59",
              "2026-03-02T12:00:00Z", "Europe/Berlin", "Mars/Base", ":", "/etc/passwd", "nan",
              "é", "24"]

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
               max_size=40)
arg = st.one_of(st.sampled_from(NASTY), text.filter(lambda s: "\0" not in s))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with some history and a valid export of it."""
    root = tmp_path_factory.mktemp("hostile")
    content = write_mini(root / "content")
    home = root / "home"
    with _env({"STUDY_HOME": str(home), "STUDY_NOW": NOW, "TZ": "UTC",
               "STUDY_BUNDLED_CONTENT": "0", "STUDY_CONTENT_DIRS": str(content)}):
        assert _run(["today"])[0] == 0
        from study.core import open_study
        from study.session import Session

        with open_study(home) as study:
            s = Session(study)
            for _ in range(3):
                entry = s.next()
                assert entry is not None
                s.grade(entry.item, 3)
        code, out, _ = _run(["export", "json", "--out", str(root / "export.json")])
        assert code == 0, out
    return root


@contextlib.contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old_in = os.sys.stdin  # type: ignore[attr-defined]
    os.sys.stdin = io.StringIO(stdin)  # type: ignore[attr-defined]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: --help, --version, usage errors
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        os.sys.stdin = old_in  # type: ignore[attr-defined]
    return code, out.getvalue(), err.getvalue()


def _snapshot(home: Path) -> tuple:
    db = home / "study.db"
    if not db.exists():
        return ()
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return tuple(conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                     for t in ("reviews", "item_state", "attempts", "hints"))
    finally:
        conn.close()


def _check(base: Path, tmp: Path, argv: list[str], env: dict[str, str],
           settings_file: bytes | None = None, stdin: str = "") -> None:
    home = tmp / "home"
    if home.exists():
        shutil.rmtree(home)
    shutil.copytree(base / "home", home)
    if settings_file is not None:
        (home / "settings.toml").write_bytes(settings_file)
    before = _snapshot(home)
    full = {"STUDY_HOME": str(home), "STUDY_NOW": NOW, "TZ": "UTC",
            "STUDY_BUNDLED_CONTENT": "0", "STUDY_CONTENT_DIRS": str(base / "content")} | env
    with _env(full):
        code, out, err = _run(argv, stdin)
    assert code in (0, 1, 2), (argv, env, code, err)
    assert "Traceback" not in out + err and "internal error" not in err, (argv, env, err)
    if code == 2:
        assert err.strip(), (argv, "a failure must say why")
        assert _snapshot(home) == before, (argv, env, err)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(cmd=st.sampled_from(COMMANDS), extra=st.lists(arg, max_size=4),
       env=st.dictionaries(st.sampled_from(ENV_KEYS), st.sampled_from(ENV_VALUES), max_size=3))
def test_hostile_argv_and_environment(base: Path, tmp_path_factory: pytest.TempPathFactory,
                                      cmd: list[str], extra: list[str],
                                      env: dict[str, str]) -> None:
    argv = cmd + extra
    if "--out" in argv:  # never write outside the sandbox
        i = argv.index("--out")
        argv[i + 1:i + 2] = [str(tmp_path_factory.getbasetemp() / "out.file")]
    if argv[:2] == ["import", "json"] and len(argv) > 2:
        argv[2] = str(base / "export.json") if argv[2] in ("", "-") else argv[2]
    _check(base, tmp_path_factory.getbasetemp() / "h", argv, env, stdin="q\n")


toml_values = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=True), st.booleans(),
                        text, st.lists(text, max_size=3), st.just({"a": 1}))
setting_names = st.sampled_from(["new_per_day", "desired_retention", "timezone", "content_dirs",
                                 "bury_siblings", "leech_action", "kata_device", "nosuch",
                                 "backups_keep", "day_rollover_hour"])


@st.composite
def settings_files(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["toml", "bytes", "text"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "text":
        return draw(text).encode("utf-8", "surrogatepass")
    import tomlkit

    doc = tomlkit.document()
    for key, value in draw(st.dictionaries(setting_names, toml_values, max_size=4)).items():
        try:
            doc[key] = value
        except Exception:  # noqa: BLE001 - tomlkit refuses some values: leave them out
            continue
    return tomlkit.dumps(doc).encode()


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(file=settings_files(), cmd=st.sampled_from([["today"], ["settings"], ["stats", "--json"],
                                                   ["review", "--plain"], ["db", "rebuild"]]))
def test_hostile_settings_files(base: Path, tmp_path_factory: pytest.TempPathFactory,
                                file: bytes, cmd: list[str]) -> None:
    _check(base, tmp_path_factory.getbasetemp() / "s", cmd, {}, settings_file=file, stdin="q\n")


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(), text),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(text, children, max_size=4)),
    max_leaves=12)


@st.composite
def import_files(draw: st.DrawFn, base_export: dict) -> bytes:
    kind = draw(st.sampled_from(["mutate", "mutate", "random", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "random":
        return json.dumps(draw(json_values)).encode()
    data = json.loads(json.dumps(base_export))
    table = draw(st.sampled_from(["reviews", "attempts", "hints", "anki_export"]))
    rows = data["history"][table]
    if rows and draw(st.booleans()):
        row = draw(st.sampled_from(rows))
        key = draw(st.sampled_from(sorted(row)))
        row[key] = draw(json_values)
    else:
        rows.append(draw(json_values))
    if draw(st.booleans()):
        data["settings"][draw(setting_names)] = draw(json_values)
    return json.dumps(data).encode()


def test_hostile_import_files(base: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    export = json.loads((base / "export.json").read_text())

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(file=import_files(export), replace=st.booleans())
    def run(file: bytes, replace: bool) -> None:
        where = tmp_path_factory.getbasetemp() / "import.json"
        where.write_bytes(file)
        argv = ["import", "json", str(where)] + (["--replace"] if replace else [])
        _check(base, tmp_path_factory.getbasetemp() / "i", argv, {})

    run()
