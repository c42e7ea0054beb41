"""Kata commands end to end: the CLI, the warm worker, the sandbox, attempts and grades."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import fast_softmax_world

from study.kata.client import KataClient

pytest.importorskip("torch")

NOW = "2026-03-02T12:00:00Z"
BAD = {
    "loop.py": "def softmax(x, dim=-1):\n    while True:\n        pass\n",
    "exit0.py": "import os\ndef softmax(x, dim=-1):\n    print('ALL TESTS PASSED')\n"
                "    os._exit(0)\n",
    "segv.py": "import os, signal\ndef softmax(x, dim=-1):\n    os.kill(os.getpid(), "
               "signal.SIGSEGV)\n",
    "forge.py": "import torch\ntorch.allclose = lambda *a, **k: True\n"
                "torch.equal = lambda *a, **k: True\n"
                "def softmax(x, dim=-1):\n    return torch.zeros_like(x)\n",
    "nofunc.py": "def soft_max(x, dim=-1):\n    return x\n",
    "wrongsig.py": "def softmax(logits):\n    return logits\n",
    "syntax.py": "def softmax(x, dim=-1)\n    return x\n",
    "hog.py": "import torch\ndef softmax(x, dim=-1):\n    return torch.ones(6_000_000_000)\n",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A content dir with a copy of softmax (3 s time limit) and one home, one warm worker."""
    root = tmp_path_factory.mktemp("kw")
    _, kata, env = fast_softmax_world(root, 3, NOW)
    bad = root / "bad"
    bad.mkdir()
    for name, text in BAD.items():
        (bad / name).write_text(text)
    home = root / "home"
    yield {"home": home, "env": env, "bad": bad, "kata": kata}
    KataClient(home).stop()


def run(world: dict, *args: str, extra: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "study", *args], env=world["env"] | (extra or {}),
                          capture_output=True, text=True, timeout=180)


def check_json(world: dict, solution: Path) -> tuple[int, dict]:
    out = run(world, "kata", "check", "softmax-fast", "--solution", str(solution), "--json")
    assert out.stdout, out.stderr
    return out.returncode, json.loads(out.stdout)


def test_reference_passes_with_the_contract_json(world: dict) -> None:
    rc, data = check_json(world, world["kata"] / "solution.py")
    assert rc == 0
    assert {"version", "kata", "status", "passed", "reason", "device", "duration_s", "tests",
            "output", "sandbox"} <= set(data)
    assert data["version"] == 1 and data["status"] == "pass" and data["reason"] == ""
    assert data["kata"] == "softmax-fast" and data["passed"] is True and data["device"] == "cpu"
    assert all(set(t) == {"name", "status", "message", "output"} and t["status"] == "pass"
               for t in data["tests"])
    # Every protection is named, and on this Linux machine every one of them holds.
    assert {"landlock", "seccomp", "rlimits", "audit hooks"} <= set(data["sandbox"])
    assert data["sandbox"].pop("process").endswith("(no judge memory)")
    assert all(v.startswith(("on", "closed")) for v in data["sandbox"].values())
    assert KataClient(world["home"]).running()  # a warm worker stays for the next check


@pytest.mark.parametrize(("name", "reason", "phrase"), [
    ("loop.py", "timeout", "did not finish within 3 s"),
    ("exit0.py", "crash", "exited with status 0"),
    ("segv.py", "crash", "crashed (segmentation fault)"),
    ("forge.py", "", "the result is wrong"),
    ("syntax.py", "import", "SyntaxError"),
    ("hog.py", "oom", "ran out of memory"),
])
def test_misbehaving_solutions_fail_and_are_reported(world: dict, name: str, reason: str,
                                                     phrase: str) -> None:
    rc, data = check_json(world, world["bad"] / name)
    assert rc == 1 and data["passed"] is False and data["status"] == "fail"
    assert data["reason"] == reason
    assert any(phrase in t["message"] for t in data["tests"] if t["status"] != "pass"), data[
        "tests"]
    if name == "exit0.py":
        assert "ALL TESTS PASSED" in data["output"]  # shown as output, never believed


@pytest.mark.parametrize(("args", "message"), [
    (["kata", "check", "nope"], "unknown kata 'nope'"),
    (["kata", "check", "softmax-fast", "--solution", "/no/such.py"], "solution file not found"),
    (["kata", "check", "softmax-fast", "--solution", "{bad}/nofunc.py"],
     "does not define a function softmax()"),
    (["kata", "check", "softmax-fast", "--solution", "{bad}/wrongsig.py"],
     "has the wrong signature"),
])
def test_bad_requests_are_one_line_and_exit_2(world: dict, args: list[str], message: str) -> None:
    args = [a.replace("{bad}", str(world["bad"])) for a in args]
    out = run(world, *args)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and message in out.stderr
    assert "Traceback" not in out.stderr


def test_start_hint_solution_and_grading(world: dict, tmp_path: Path) -> None:
    home = tmp_path / "fresh-home"
    world = world | {"env": world["env"] | {"STUDY_HOME": str(home)}}
    out = run(world, "kata", "solution", "softmax-fast")
    assert out.returncode == 2 and "make an attempt first" in out.stderr
    path = Path(run(world, "kata", "start", "softmax-fast").stdout.strip())
    assert path.read_text() == (world["kata"] / "starter.py").read_text()
    path.write_text("# my work\n")
    again = run(world, "kata", "start", "softmax-fast")
    assert "your work is kept" in again.stderr and path.read_text() == "# my work\n"
    # The kata is today's new kata: a pass grades it; a hint makes it Hard.
    assert "softmax-fast" in run(world, "today").stdout
    # A failed check of a planned kata is committed as Again at once ...
    shutil.copyfile(world["bad"] / "forge.py", path)
    out = run(world, "kata", "check", "softmax-fast")
    assert out.returncode == 1 and "graded Again" in out.stdout, out.stdout
    # ... and the next attempt today replaces it: a pass after a hint is Hard.
    assert run(world, "kata", "hint", "softmax-fast").stdout.startswith("Hint 1 of 2:")
    shutil.copyfile(world["kata"] / "solution.py", path)
    out = run(world, "kata", "check", "softmax-fast")
    assert out.returncode == 0 and "graded Hard" in out.stdout, out.stdout
    out = run(world, "kata", "grade", "softmax-fast", "good")
    assert out.stdout.startswith("graded Good")
    out = run(world, "kata", "check", "softmax-fast")  # the user's own grade is kept
    assert "graded" not in out.stdout
    stats = json.loads(run(world, "stats", "--json").stdout)
    assert stats["reviews_today"] == 1  # one grade for the day, the last word the user's
    assert "softmax-fast" not in run(world, "today").stdout
    assert "def softmax" in run(world, "kata", "solution", "softmax-fast").stdout
    KataClient(home).stop()


def test_watch_rechecks_on_save(world: dict, tmp_path: Path) -> None:
    sol = tmp_path / "mine.py"
    sol.write_text((world["kata"] / "starter.py").read_text())
    proc = subprocess.Popen([sys.executable, "-m", "study", "kata", "watch", "softmax-fast",
                             "--solution", str(sol), "--exit-on-pass"], env=world["env"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    sol.write_text((world["kata"] / "solution.py").read_text())
    os.utime(sol, (time.time() + 2, time.time() + 2))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "FAILED" in out and "passed" in out


def test_the_cli_never_imports_torch(world: dict) -> None:
    code = ("import sys\nfrom study.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('TORCH' if 'torch' in sys.modules else 'NO TORCH')\n")
    out = subprocess.run([sys.executable, "-c", code, "kata", "check", "softmax-fast",
                          "--solution", str(world["kata"] / "solution.py")],
                         env=world["env"], capture_output=True, text=True, timeout=180)
    assert out.stdout.strip().endswith("NO TORCH"), out.stdout + out.stderr


def test_the_worker_keeps_references_only_while_the_checker_files_are_unchanged(
        tmp_path: Path) -> None:
    """The warm worker keeps a kata's cases and references between checks; an edited
    checker is used at the very next check, and a broken one is an error, never a pass."""
    _, kata, env = fast_softmax_world(tmp_path, 5, NOW)
    here = {"env": env}
    ref = kata / "solution.py"
    try:
        for _ in range(3):  # the judge builds, then the worker builds and keeps, then reuses
            rc, data = check_json(here, ref)
            assert (rc, data["status"]) == (0, "pass"), data
        check = kata / "check.py"
        original = check.read_text()
        check.write_text(original + "\n\ndef cases():\n    return iter(())\n")
        rc, data = check_json(here, ref)
        assert (rc, data["status"]) == (2, "error") and "no cases" in data["message"], data
        check.write_text(original.replace("seed=", "seed=7 + "))  # other inputs, still right
        rc, data = check_json(here, ref)
        assert (rc, data["status"]) == (0, "pass"), data
        zeros = tmp_path / "zeros.py"
        zeros.write_text("import torch\ndef softmax(x, dim=-1):\n    return torch.zeros_like(x)\n")
        for _ in range(2):
            rc, data = check_json(here, zeros)
            assert (rc, data["status"]) == (1, "fail"), data
    finally:
        KataClient(tmp_path / "home").stop()


def test_a_check_right_after_a_stop_starts_a_fresh_worker(world: dict) -> None:
    """The stopped worker may still hold the home's lock while it leaves: the next one
    waits for it rather than giving up (the check then failed with "did not start")."""
    client = KataClient(world["home"])
    for _ in range(3):
        client.warm()
        assert client.stop()
        rc, data = check_json(world, world["kata"] / "solution.py")
        assert (rc, data["status"]) == (0, "pass"), data


@pytest.mark.parametrize("argv", [
    ["kata", "check", "softmax"], ["--home", "/tmp/h", "kata", "check", "softmax", "--json"],
    ["--home=/tmp/h", "kata", "list", "--topic", "t"], ["kata", "grade", "softmax", "good"],
])
def test_the_kata_commands_parse_alike_with_their_parser_alone(argv: list[str]) -> None:
    """`study kata ...` builds the kata group's parser only (a twentieth of the time); it
    reads every kata command as the whole parser does."""
    from study.cli import _command_of, build_parser

    assert _command_of(argv) == "kata"
    alone, whole = (vars(p.parse_args(argv)) for p in (build_parser("kata"), build_parser()))
    assert alone == whole


def test_a_check_sent_early_from_stale_knowledge_is_sent_again(world: dict) -> None:
    """A check goes to the judge before the settings and content are read, from what the
    last check kept; when the kata has changed since (here: the kept function name and
    time limit are wrong), that early check is dropped and the right one sent."""
    from study.cli.kata import LAUNCH_FILE

    rc, _ = check_json(world, world["kata"] / "solution.py")
    assert rc == 0
    kept = world["home"] / "cache" / LAUNCH_FILE
    data = json.loads(kept.read_text())
    right = data["katas"]["softmax-fast"]
    data["katas"]["softmax-fast"] = [right[0], "not_softmax", right[2], 1]
    kept.write_text(json.dumps(data))
    rc, out = check_json(world, world["kata"] / "solution.py")
    assert rc == 0 and out["status"] == "pass", out
    assert json.loads(kept.read_text())["katas"]["softmax-fast"] == right  # kept anew
    # A settings file changed since: nothing is sent early (the file's stamp differs).
    settings = world["home"] / "settings.toml"
    settings.write_text(settings.read_text() if settings.exists() else "")
    rc, out = check_json(world, world["kata"] / "solution.py")
    assert rc == 0 and out["status"] == "pass", out
