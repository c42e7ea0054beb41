"""The red team: solutions written by a learner who wants a green tick without the
right answer, each run through the real path (`study kata check`, the warm worker,
the sandbox host and its confined child).

Every attack returns a wrong answer (zeros) unless it managed to steal or forge a
right one. Each test asserts: the check fails; no file outside the sandbox's
temporary folder changed (the content, the home, marker paths in /tmp); the
database records no pass; no process of the check outlives it; and the next
check of a wrong solution still fails (no fake worker took over).

These tests run as whatever user runs the suite; CI and the developers' machines
run them as root, where Landlock and seccomp must hold all the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, fast_softmax_world

from study.kata.client import KataClient
from study.kata.host import HOST_NAME

pytest.importorskip("torch")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the kernel protections are Linux's")

NOW = "2026-03-02T12:00:00Z"
MARK = "STUDY-REDTEAM"  # in every path an attack tries to create, and every process it starts

ZEROS = "import torch\ndef softmax(x, dim=-1):\n    return torch.zeros_like(x)\n"


def _attack(body: str) -> str:
    """A softmax that tries `body` (which may set `stolen`), else returns zeros."""
    return ("import torch, os, sys\nstolen = None\n"
            "def softmax(x, dim=-1):\n    global stolen\n"
            + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
            + "\n    return stolen if isinstance(stolen, torch.Tensor) else torch.zeros_like(x)\n")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("redteam")
    content, kata, env = fast_softmax_world(root, 4, NOW)
    home = root / "home"
    # benchmarks/gpu_check.sh runs this suite again with cuda
    env["STUDY_KATA_DEVICE"] = os.environ.get("STUDY_TEST_KATA_DEVICE", "cpu")
    attacks = root / "attacks"
    attacks.mkdir()
    yield {"root": root, "home": home, "env": env, "kata": kata, "content": content,
           "attacks": attacks}
    KataClient(home).stop()


def _run(world: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "study", *args], env=world["env"],
                          capture_output=True, text=True, timeout=180)


def _fingerprint(*roots: Path) -> dict[str, str]:
    """Every file's hash, but those study itself writes while checking: the database, the
    content cache and the daily backups (the sandbox can reach none of the home)."""
    out = {}
    for root in roots:
        for p in sorted(root.rglob("*")):
            if (p.is_file() and not p.name.startswith("study.db")
                    and not {"cache", "backups"} & set(p.relative_to(root).parts)):
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _marked_processes() -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if MARK in cmd:
            found.append(f"{pid}: {cmd}")
    return found


def _ppid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _hosts_of(home: Path) -> list[int]:
    """The sandbox host of this home's worker (the worker's child running study.kata.host)."""
    workers = _worker_pids(str(KataClient(home).path).encode())
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) in workers
            and _comm(int(p)) == HOST_NAME.decode()]


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _sandbox_children(world: dict, hosts: list[int] | None = None) -> list[int]:
    """Processes forked from this home's sandbox host, now (its checks' children)."""
    hosts = _hosts_of(world["home"]) if hosts is None else hosts
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) in hosts]


def _passes_recorded(world: dict) -> int:
    db = world["home"] / "study.db"
    if not db.exists():
        return 0
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT count(*) FROM attempts WHERE status = 'passed'")
                   .fetchone()[0])
    finally:
        con.close()


def _check_zeros_fails(world: dict) -> None:
    """After an attack, a wrong solution still fails: the real judge still answers."""
    path = world["attacks"] / "zeros.py"
    path.write_text(ZEROS)
    out = _run(world, "kata", "check", "softmax-fast", "--solution", str(path), "--json")
    data = json.loads(out.stdout)
    assert out.returncode == 1 and data["status"] == "fail", data


def _attempt(world: dict, name: str, source: str) -> dict:
    path = world["attacks"] / f"{name}.py"
    path.write_text(source)
    watched = _fingerprint(world["content"], world["home"])
    passes = _passes_recorded(world)
    out = _run(world, "kata", "check", "softmax-fast", "--solution", str(path), "--json")
    assert out.stdout, out.stderr
    data = json.loads(out.stdout)
    assert out.returncode == 1 and data["status"] != "pass" and not data["passed"], data
    assert _fingerprint(world["content"], world["home"]) == watched  # nothing outside changed
    assert not list(Path("/tmp").glob(f"*{MARK}*")) and not list(world["root"].glob(
        f"**/*{MARK}*"))
    assert _passes_recorded(world) == passes  # no pass recorded by the attack
    assert _marked_processes() == []
    assert _sandbox_children(world) == []  # the check's child is gone with the check
    _check_zeros_fails(world)
    return data


def _messages(data: dict) -> str:
    return "\n".join(t["message"] for t in data["tests"]) + data["message"]


def test_protections_hold_and_are_reported(world: dict) -> None:
    out = _run(world, "kata", "check", "softmax-fast", "--solution",
               str(world["kata"] / "solution.py"), "--json")
    data = json.loads(out.stdout)
    assert data["status"] == "pass", data
    sandbox = data["sandbox"]
    for layer in ("landlock", "seccomp", "rlimits", "audit hooks", "descriptors", "process"):
        assert layer in sandbox, sandbox
    if os.geteuid() == 0:  # root: the kernel layers bind it too
        assert sandbox["landlock"].startswith("on") and sandbox["seccomp"] == "on", sandbox


def test_answers_are_not_in_the_sandbox_memory(world: dict) -> None:
    data = _attempt(world, "frames", _attack("""
        import gc
        f = sys._getframe(1)
        while f is not None:  # the judge's frames, if we were its fork
            for v in list(f.f_locals.values()):
                if isinstance(v, dict) and isinstance(v.get("out"), torch.Tensor):
                    stolen = v["out"].float()
            f = f.f_back
        for m in list(sys.modules.values()):  # the checker module, if it were loaded
            if m is not None and hasattr(m, "reference") and hasattr(m, "cases"):
                stolen = torch.zeros_like(x) + 1
        try:
            for o in gc.get_objects():
                if isinstance(o, torch.Tensor) and o.dtype == torch.float64 and \\
                        o.shape == x.shape:
                    stolen = o.float()
        except Exception:
            pass
    """))
    # Either the walk found nothing to steal, or (since frames are out of reach) was refused.
    assert ("the result is wrong" in _messages(data) or "wrong at" in _messages(data)
            or "stack frames" in _messages(data)), data


# Ways to hold a frame of the running stack; from one, f_back leads to the sandbox's own
# frames, whose variables hold the case's guard (and its memory watch).
_FRAME_ROUTES = {
    "getframe": "f = sys._getframe(0)",
    "inspect": "import inspect\nf = inspect.currentframe()",
    "traceback": ("try:\n    raise ValueError\nexcept ValueError as e:\n"
                  "    f = e.__traceback__.tb_frame"),
    "generator": ("holder = []\ndef gen():\n    while True:\n"
                  "        yield holder[0].gi_frame.f_back\n"
                  "holder.append(gen())\nf = next(holder[0])"),
    "signal": ("import signal\ngot = []\n"
               "signal.signal(signal.SIGUSR1, lambda s, fr: got.append(fr))\n"
               "os.kill(os.getpid(), signal.SIGUSR1)\nf = got[0]"),
    "tracer": ("got = []\ndef tr(fr, ev, arg):\n    got.append(fr)\nsys.settrace(tr)\n"
               "(lambda: None)()\nsys.settrace(None)\nf = got[0]"),
    "threads": "f = list(sys._current_frames().values())[0]",
    # TorchScript's name lookup reads its callers' frames: `guard` from _run_cases's.
    "torchscript": ("import torch._jit_internal as ji\nf = None\nfor up in range(1, 12):\n"
                    "    try:\n        g = ji.createResolutionCallbackFromFrame(up)('guard')\n"
                    "        g.rec.family, g.rec.aten, g.rec.functions, g.rec._known = None, "
                    "set(), {}, {}\n    except Exception:\n        pass"),
}


@pytest.mark.parametrize("route", sorted(_FRAME_ROUTES))
def test_the_guards_are_out_of_reach_of_the_stack_frames(world: dict, route: str) -> None:
    """A frame of the stack leads (f_back) to the sandbox's frames and the case's guard:
    emptying its ban would let torch.softmax through. No route to a frame is open."""
    _attempt(world, f"frames-{route}", _attack(f"""
        try:
{textwrap.indent(_FRAME_ROUTES[route], " " * 12)}
            while f is not None:
                for v in list(f.f_locals.values()):
                    rec = getattr(v, "rec", None)
                    if rec is not None and hasattr(rec, "family"):
                        rec.family, rec.aten, rec.functions, rec._known = None, set(), {{}}, {{}}
                        rec.module_paths = ()
                f = f.f_back
            stolen = torch.softmax(x, dim)
        except Exception:
            pass
    """))


def test_the_worker_module_is_out_of_reach(world: dict) -> None:
    """The sandbox host is forked from the worker (`python -m study.kata.worker`): its
    `__main__` is study's, and its functions' globals lead back into study's modules."""
    data = _attempt(world, "main-module", _attack("""
        main = sys.modules.get("__main__")
        found = sorted(k for k, v in vars(main).items() if callable(v)
                       and "study" in str(getattr(v, "__module__", "")))
        print("REACHED", found)
    """))
    assert "REACHED []" in data["output"], data["output"]


def test_inherited_descriptors_are_closed_and_the_channel_cannot_be_forged(world: dict) -> None:
    _attempt(world, "fds", _attack("""
        import io, json, struct
        open_fds = [fd for fd in range(3, 1024) if os.path.exists(f"/proc/self/fd/{fd}")]
        frames = []
        for msg in ({"type": "result", "i": 0, "outputs": {"out": x}, "meta": {}, "after": {},
                     "violations": [], "error": None, "oom": False, "memory": None},
                    {"type": "done"}):
            buf = io.BytesIO(); torch.save(msg, buf); frames.append(buf.getvalue())
        frames.append(json.dumps({"passed": True, "status": "passed", "tests": []}).encode())
        for fd in range(3, 64):
            for data in frames:
                try:
                    os.write(fd, struct.pack("!I", len(data)) + data)
                except OSError:
                    pass
    """))


def test_no_fake_worker_and_no_process_escapes(world: dict) -> None:
    data = _attempt(world, "fakeworker", _attack(f"""
        import glob
        try:
            import ctypes
            libc = ctypes.CDLL(None)
            if libc.fork() == 0:
                libc.setsid()
                libc.execv(b"/bin/sleep", None)
        except Exception:
            pass
        try:
            if os.fork() == 0:
                os.setsid()
                os.execv("/bin/sleep", ["sleep", "30", "{MARK}"])
        except Exception:
            pass
        try:
            os.posix_spawn("/bin/sleep", ["sleep", "30", "{MARK}"], {{}})
        except Exception:
            pass
        for path in glob.glob("/tmp/study-*/kata-*.sock"):
            try:
                import socket as s
                c = s.socket(s.AF_UNIX); c.connect(path); c.sendall(b'{{"op": "stop"}}')
            except Exception:
                pass
    """))
    assert "wrong" in _messages(data)
    assert KataClient(world["home"]).running()


@pytest.mark.parametrize(("name", "body"), [
    ("fork", "os.fork()"),
    ("socket", "import socket; socket.socket()"),
    ("ctypes", "import ctypes; ctypes.CDLL(None)"),
    ("write", "open('/tmp/x-STUDY-REDTEAM', 'w')"),
])
def test_a_refusal_says_what_was_refused(world: dict, name: str, body: str) -> None:
    data = _attempt(world, f"refused-{name}", _attack(body))
    assert "not available to a" in _messages(data), _messages(data)


def test_the_checker_and_the_database_cannot_be_written(world: dict) -> None:
    check = world["kata"] / "check.py"
    db = world["home"] / "study.db"
    _attempt(world, "writes", _attack(f"""
        for path in ({str(check)!r}, {str(world["kata"] / "kata.yaml")!r},
                     {str(world["home"] / ("x-" + MARK))!r}):
            try:
                with open(path, "w") as fh:
                    fh.write("def cases():\\n    return []\\n")
            except Exception:
                pass
        try:
            import sqlite3
            con = sqlite3.connect({str(db)!r})
            con.execute("INSERT INTO attempts (kata_id, ts, status) VALUES "
                        "('softmax-fast', 0, 'passed')")
            con.commit()
        except Exception:
            pass
        try:
            fd = os.open({str(db)!r}, os.O_WRONLY)
            os.write(fd, b"garbage")
        except Exception:
            pass
    """))


def test_the_reference_solution_cannot_be_read(world: dict) -> None:
    data = _attempt(world, "reference", _attack(f"""
        import glob
        import site
        copies = [f"{{p}}/study/_bundled/exercises/softmax/solution.py"
                  for p in site.getsitepackages() + sys.path]
        for path in [{str(world["kata"] / "solution.py")!r}, *copies,
                     {str(REPO / "exercises" / "softmax" / "solution.py")!r}]:
            try:
                ns = {{}}
                exec(open(path).read(), ns)
                stolen = ns["softmax"](x, dim)
                break
            except Exception:
                pass
    """))
    assert "wrong" in _messages(data)


def test_no_network_no_big_files_no_threads(world: dict) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    data = _attempt(world, "escapes", _attack(f"""
        try:
            import socket as s
            s.create_connection(("127.0.0.1", {port}), timeout=1).sendall(b"hi")
        except Exception:
            pass
        try:
            with open("/tmp/big-{MARK}", "wb") as fh:
                fh.write(b"x" * (1 << 30))
        except Exception:
            pass
        try:
            import threading
            threading.Thread(target=lambda: None).start()
        except Exception:
            pass
        import _thread
        try:
            _thread.start_new_thread(lambda: None, ())
        except Exception:
            pass
    """))
    with pytest.raises(TimeoutError):
        server.accept()  # nobody connected
    server.close()
    assert data["status"] == "fail"


def test_the_temporary_folder_is_capped(world: dict) -> None:
    data = _attempt(world, "disk", _attack("""
        import tempfile
        for i in range(40):
            try:
                with open(os.path.join(tempfile.gettempdir(), f"f{i}"), "wb") as fh:
                    fh.write(b"x" * (60 << 20))
            except Exception:
                pass
    """))
    # Each file stops at the cap (EFBIG), and the folder as a whole is policed.
    assert data["reason"] in ("disk", "") and data["status"] == "fail"


def test_signals_ptrace_and_proc_reach_nothing_outside(world: dict) -> None:
    _attempt(world, "signals", _attack("""
        import signal
        for pid in (os.getppid(), 1):
            try:
                os.kill(pid, signal.SIGKILL)
            except Exception:
                pass
        for path in (f"/proc/{os.getppid()}/mem", f"/proc/{os.getppid()}/environ",
                     "/proc/1/environ"):
            try:
                open(path, "rb").read(10)
            except Exception:
                pass
    """))
    assert KataClient(world["home"]).running()


def test_code_outside_the_guard_cannot_report(world: dict) -> None:
    """Tracers, finalizers and signal handlers run where the ban is watching, or not at all;
    what they write on the channel out of turn fails the check."""
    _attempt(world, "outofturn", _attack("""
        import io, signal, struct
        def forge(*_):
            for fd in range(3, 16):
                try:
                    buf = io.BytesIO(); torch.save({"type": "done"}, buf)
                    os.write(fd, struct.pack("!I", len(buf.getvalue())) + buf.getvalue())
                except Exception:
                    pass
        sys.settrace(lambda *a: forge())
        signal.signal(signal.SIGALRM, forge)
        signal.setitimer(signal.ITIMER_REAL, 0.001, 0.001)
        class Late:
            def __del__(self):
                forge()
        stolen = None
        globals().setdefault("keep", []).append(Late())
    """))


def test_an_unauthenticated_client_cannot_stop_or_ask(world: dict) -> None:
    client = KataClient(world["home"])
    client.warm()
    raw = socket.socket(socket.AF_UNIX)
    raw.connect(str(client.path))
    from study.kata.protocol import encode_json, recv_frame, send_frame

    send_frame(raw, encode_json({"body": {"op": "stop"}, "nonce": "n", "mac": "0" * 64}))
    answer = recv_frame(raw)
    raw.close()
    assert answer is not None and b"refused" in answer
    assert client.running()


def test_simultaneous_first_checks_start_one_worker(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    sock = str(KataClient(home).path).encode()
    threads = [threading.Thread(target=KataClient(home).start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert len(_worker_pids(sock)) == 1
    finally:
        KataClient(home).stop()


def test_a_dying_worker_is_reported_in_time_and_takes_the_sandbox_along(world: dict,
                                                                        tmp_path: Path) -> None:
    import time

    from study.kata.result import ERROR

    home = tmp_path / "dying"
    client = KataClient(home)
    client.warm()
    (worker,) = _worker_pids(str(client.path).encode())
    hosts = _hosts_of(home)
    assert len(hosts) == 1
    loop = "def softmax(x, dim=-1):\n    while True:\n        pass\n"
    request = {"kata": "softmax-fast", "folder": str(world["kata"]), "function": "softmax",
               "signature": "softmax(x: Tensor, dim: int = -1) -> Tensor",
               "solution": str(tmp_path / "loop.py"), "source": loop, "device": "cpu",
               "timeout_s": 4.0, "hidden": [str(home), str(world["content"])]}
    request["device"] = world["env"]["STUDY_KATA_DEVICE"]
    killer = threading.Timer(1.5, os.kill, (worker, 9))
    killer.start()
    t0 = time.monotonic()
    result = client.check(request)
    took = time.monotonic() - t0
    killer.join()
    # The judge (a fork of the worker) still answers for its check; either way the
    # learner hears within the limit plus the margin, and nothing of the check survives.
    assert result.status != "pass" and took < 4.0 + 35
    if result.status == ERROR:
        assert result.message.count("\n") == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (_sandbox_children(world, hosts) or
                                           os.path.exists(f"/proc/{hosts[0]}")):
        time.sleep(0.2)
    assert _sandbox_children(world, hosts) == []  # the sandbox is gone
    assert not os.path.exists(f"/proc/{hosts[0]}")  # and its host with the worker


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _worker_pids(sock: bytes) -> list[int]:
    pids = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if (b"study.kata.worker" in cmd and sock in cmd
                    and _comm(int(pid)) != HOST_NAME.decode()):  # the host is forked from it
                pids.append(int(pid))
    return sorted(pids)


def test_a_checker_without_cases_is_an_error_never_a_pass(world: dict, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(world["content"], content)
    check = content / "exercises" / "softmax-fast" / "check.py"
    check.write_text(check.read_text() + "\n\ndef cases():\n    return iter(())\n")
    env = world["env"] | {"STUDY_CONTENT_DIRS": str(content), "STUDY_HOME": str(tmp_path / "h")}
    out = subprocess.run([sys.executable, "-m", "study", "kata", "check", "softmax-fast",
                          "--solution", str(world["kata"] / "solution.py"), "--json"],
                         env=env, capture_output=True, text=True, timeout=180)
    data = json.loads(out.stdout)
    assert data["status"] == "error" and data["reason"] == "checker", data
    assert "no cases" in data["message"]
    KataClient(tmp_path / "h").stop()


def test_the_attempt_records_the_code_that_was_checked(world: dict, tmp_path: Path) -> None:
    """The solution is read once: a file that changes after it was read does not change what
    the attempt says was checked."""
    home = tmp_path / "h2"
    env = world["env"] | {"STUDY_HOME": str(home)}
    sol = tmp_path / "mine.py"
    sol.write_text(ZEROS)
    subprocess.run([sys.executable, "-m", "study", "kata", "check", "softmax-fast",
                    "--solution", str(sol)], env=env, capture_output=True, text=True, timeout=180)
    con = sqlite3.connect(home / "study.db")
    code = con.execute("SELECT solution FROM attempts").fetchall()
    con.close()
    assert code == [(ZEROS,)]
    KataClient(home).stop()


def test_the_worker_leaves_shortly_after_the_last_attached_client(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    import time

    monkeypatch.setenv("STUDY_KATA_LINGER_S", "1")
    home = tmp_path / "leased"
    app, watch = KataClient(home), KataClient(home)
    app.attach()
    watch.attach()
    sock = str(app.path).encode()
    assert len(_worker_pids(sock)) == 1
    app.detach()
    time.sleep(2.5)
    assert len(_worker_pids(sock)) == 1  # one client is still attached
    watch.detach()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _worker_pids(sock):
        time.sleep(0.2)
    assert _worker_pids(sock) == []


def test_a_missing_protection_is_named_never_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    from study.kata import confine

    monkeypatch.setattr(confine, "landlock_abi", lambda: 0)
    assert confine.landlock(confine.Policy()).startswith("unavailable")
    monkeypatch.setitem(sys.modules, "pyseccomp", None)  # no libseccomp on this system
    assert confine.seccomp(confine.Policy()).startswith("unavailable")


def test_parameter_names_are_the_learners_own() -> None:
    from study.kata.sandbox import signature_problem

    sig = "softmax(x: Tensor, dim: int = -1) -> Tensor"

    def renamed(logits, axis=-1):  # type: ignore[no-untyped-def]
        return logits

    def too_few(logits):  # type: ignore[no-untyped-def]
        return logits

    def keyword_needed(x, dim=-1, *, scale):  # type: ignore[no-untyped-def]
        return x

    assert signature_problem(renamed, "softmax", sig) is None
    assert "2 positional parameter(s)" in (signature_problem(too_few, "softmax", sig) or "")
    assert signature_problem(keyword_needed, "softmax", sig) is not None


@pytest.mark.parametrize(("name", "body", "phrase"), [
    ("modestack", """
        for m in torch.overrides._get_current_function_mode_stack():
            rec = getattr(m, "rec", None)
            if rec is not None:
                rec.functions.clear(); rec.aten.clear(); rec.family = None
                type(m).__torch_function__.__globals__["_TAMPERING"].clear()
        stolen = torch.softmax(x, dim)
    """, "tampering with the checker"),
    ("spoofed", """
        ns = {}
        exec(compile("import torch\\ndef grab():\\n    return "
                     "torch.overrides._get_current_function_mode_stack()\\n",
                     torch.__file__, "exec"), ns)
        for m in ns["grab"]():
            m.rec.aten.clear(); m.rec.family = None
        stolen = torch.softmax(x, dim)
    """, "claims to be torch's or study's own"),
    ("studymodules", """
        import study.kata.bans as b
        b._TAMPERING.clear()
        stolen = torch.softmax(x, dim)
    """, "study"),
    ("newcode", """
        def f():
            return torch.softmax(x, dim)
        f.__code__ = f.__code__.replace(co_filename=torch.__file__)
        stolen = f()
    """, "not available to a kata solution"),
])
def test_the_guards_cannot_be_reached_or_switched_off(world: dict, name: str, body: str,
                                                      phrase: str) -> None:
    data = _attempt(world, f"guard-{name}", _attack(body))
    assert phrase in _messages(data), _messages(data)
    assert "raised an exception" in _messages(data) or "tampering" in _messages(data)


def test_a_dying_judge_takes_its_sandbox_along_at_once(world: dict, tmp_path: Path) -> None:
    import time

    home = tmp_path / "judge-dies"
    client = KataClient(home)
    client.warm()
    (worker,) = _worker_pids(str(client.path).encode())
    hosts = _hosts_of(home)
    sleeper = "import time\ndef softmax(x, dim=-1):\n    time.sleep(1000)\n"
    request = {"kata": "softmax-fast", "folder": str(world["kata"]), "function": "softmax",
               "signature": "softmax(x: Tensor, dim: int = -1) -> Tensor",
               "solution": str(tmp_path / "sleep.py"), "source": sleeper, "device": "cpu",
               "timeout_s": 60.0, "hidden": [str(home), str(world["content"])]}
    request["device"] = world["env"]["STUDY_KATA_DEVICE"]
    answer: list[object] = []
    t = threading.Thread(target=lambda: answer.append(client.check(request)))
    t.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _sandbox_children(world, hosts):
        time.sleep(0.1)
    assert _sandbox_children(world, hosts), "the check never started"
    judges = [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) == worker
              and int(p) not in hosts]
    assert len(judges) == 1
    os.kill(judges[0], 9)
    t.join(timeout=20)
    assert answer and answer[0].status == "error", answer  # type: ignore[attr-defined]
    assert "judge" in answer[0].message  # type: ignore[attr-defined]
    gone_by = time.monotonic() + 3  # not the 60 s limit: at once
    while time.monotonic() < gone_by and _sandbox_children(world, hosts):
        time.sleep(0.1)
    assert _sandbox_children(world, hosts) == []
    client.stop()


def test_root_cannot_lift_its_own_limits(world: dict) -> None:
    data = _attempt(world, "rlimits", _attack("""
        import resource
        for r in (resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_FSIZE,
                  resource.RLIMIT_NOFILE):
            try:
                resource.setrlimit(r, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
                print("RAISED", r)
            except (ValueError, OSError):
                pass
    """))
    assert "RAISED" not in data["output"], data["output"]


def _anonymous_memory(pid: int) -> bytes:
    """The process's heap, stack and anonymous mappings (where Python keeps its objects)."""
    chunks = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            parts = line.split()
            if "r" not in parts[1] or (len(parts) > 5 and not parts[5].startswith(("[heap",
                                                                                  "[stack"))):
                continue
            start, end = (int(x, 16) for x in parts[0].split("-"))
            try:
                mem.seek(start)
                chunks.append(mem.read(end - start))
            except (OSError, OverflowError, ValueError):
                continue
    return b"".join(chunks)


def test_the_sandbox_host_holds_no_secret_and_no_checker(tmp_path: Path) -> None:
    """The host (every sandbox is a fork of it) was forked from the worker before the worker
    read its secret or loaded a checker: neither is anywhere in the host's memory, though
    both are in the worker's (which shows the scan would see them)."""
    import time

    _, kata, env = fast_softmax_world(tmp_path, 4, NOW)
    mark = "ANSWER-ONLY-THE-JUDGE-" + "HOLDS-7d1f"
    check = kata / "check.py"
    check.write_text(check.read_text() + f"\n_NOT_FOR_THE_SANDBOX = {mark!r}\n")
    home = tmp_path / "home"
    try:
        token = KataClient(home).path.with_suffix(".token")
        seen = b""
        for attempt in range(6):  # from the second on, the worker builds and keeps them
            time.sleep(0.6)  # once it has seen the judge of the first end well
            out = subprocess.run([sys.executable, "-m", "study", "kata", "check", "softmax-fast",
                                  "--solution", str(kata / "solution.py")], env=env,
                                 capture_output=True, text=True, timeout=180)
            assert out.returncode == 0, out.stdout + out.stderr
            (worker,) = _worker_pids(str(KataClient(home).path).encode())
            if attempt >= 2:
                seen = _anonymous_memory(worker)
                if mark.encode() in seen:
                    break
        secret = bytes.fromhex(token.read_text().strip())
        hosts = _hosts_of(home)
        assert len(hosts) == 1
        assert secret in seen, "the scan does not see the worker's secret"
        assert mark.encode() in seen, "the scan does not see the worker's checker"
        held = _anonymous_memory(hosts[0])
        assert len(held) > 10_000_000  # the scan read the host's heap
        for what in (secret, token.read_text().strip().encode(), mark.encode()):
            assert what not in held
    finally:
        KataClient(home).stop()


def test_the_standard_librarys_own_uses_of_frames_still_work(world: dict) -> None:
    """What takes a frame for itself (a TypeVar's or namedtuple's module name, an Enum,
    logging's caller, traceback.format_exc) still works for a solution: only a frame that
    would reach the learner's code is refused."""
    path = world["attacks"] / "stdlib_frames.py"
    path.write_text(textwrap.dedent("""
        import collections, enum, logging, traceback, typing, warnings
        import torch
        T = typing.TypeVar("T")
        Pair = collections.namedtuple("Pair", "a b")
        Color = enum.Enum("Color", "RED GREEN")

        def softmax(x, dim=-1):
            try:
                raise ValueError("shown, then handled")
            except ValueError:
                text = traceback.format_exc()
            assert "shown, then handled" in text
            logging.getLogger("kata").warning("a warning from %s", Pair(1, 2).a)
            warnings.warn("careful", stacklevel=2)
            z = x - x.amax(dim=dim, keepdim=True)
            return z.exp() / z.exp().sum(dim=dim, keepdim=True)
    """))
    out = _run(world, "kata", "check", "softmax-fast", "--solution", str(path), "--json")
    data = json.loads(out.stdout)
    assert out.returncode == 0 and data["status"] == "pass", data


_SWITCH_ROUTES = {
    # the stand-ins' closures held the originals
    "closure": ("got = [c.cell_contents for n in ('_DisableTorchDispatch', "
                "'DisableTorchFunction') for c in (getattr(torch._C, n).__closure__ or ()) "
                "if callable(c.cell_contents)]\noff = got[:2]"),
    # the stand-ins' module holds the way to them
    "globals": ("get = torch._C._DisableTorchDispatch.__globals__['_original']\n"
                "off = [get(i) for i in range(40)]"),
    # a function made from a stand-in's own code, to pass for one
    "code": ("import types\nf = torch._C._DisableTorchDispatch\n"
             "g = types.FunctionType(f.__code__, f.__globals__, 'x', None, f.__closure__)\n"
             "off = [g]"),
}


@pytest.mark.parametrize("route", sorted(_SWITCH_ROUTES))
def test_the_guards_switches_cannot_be_had_without_being_reported(world: dict,
                                                                   route: str) -> None:
    """The originals of the switches that turn the guards off (torch._C's
    DisableTorchFunction, _DisableTorchDispatch, ...) are held by the audit hook alone: a
    stand-in's closure, its module's globals and a copy of its code lead to none."""
    _attempt(world, f"switches-{route}", _attack(f"""
        import contextlib
        try:
{textwrap.indent(_SWITCH_ROUTES[route], " " * 12)}
            with contextlib.ExitStack() as stack:
                for o in off:
                    with contextlib.suppress(Exception):
                        stack.enter_context(o())
                stolen = torch.softmax(x, dim)
        except Exception:
            pass
    """))


def test_no_module_of_the_sandbox_keeps_a_switch_unsealed(world: dict) -> None:
    """A name the guards' own module imported before sealing (the dispatch mode stack's
    getter) was reachable through a stand-in's globals: with it, the guard objects, and
    emptying their ban let torch.softmax through."""
    _attempt(world, "switches-module-name", _attack("""
        try:
            g = torch._C._DisableTorchDispatch.__globals__
            for mode in g["_get_current_dispatch_mode_stack"]():
                rec = getattr(mode, "rec", None)  # shared with the function guard
                if rec is not None:
                    rec.family, rec.aten, rec.functions, rec._known = None, set(), {}, {}
                    rec.module_paths = ()
            stolen = torch.softmax(x, dim)
        except Exception:
            pass
    """))
