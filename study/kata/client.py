"""Talking to the kata worker, without importing torch.

The first check starts a warm worker in the background (it imports torch once,
which takes a few seconds); later checks reuse it and answer in a fraction of
a second. The worker stops by itself after `STUDY_KATA_IDLE_S` seconds idle
(default 900), and restarts when study's own code has changed.
`STUDY_KATA_WORKER=0` runs every check in a fresh process instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from study import __version__
from study.kata.protocol import decode_json, encode_json, recv_frame, send_frame

START_TIMEOUT_S = 90.0


class WorkerError(RuntimeError):
    pass


def code_key() -> str:
    """Changes whenever the engine's code changes, so a stale worker is replaced."""
    h = hashlib.blake2b(digest_size=8)
    h.update(__version__.encode())
    for p in sorted(Path(__file__).parent.glob("*.py")):
        st = p.stat()
        h.update(f"{p.name}:{st.st_mtime_ns}:{st.st_size}".encode())
    return h.hexdigest()


def socket_path(home: Path) -> Path:
    # Unix socket paths are limited to ~100 bytes: keep it short, one per home.
    digest = hashlib.blake2b(str(home.resolve()).encode(), digest_size=6).hexdigest()
    return Path(tempfile.gettempdir()) / f"study-{os.getuid()}" / f"kata-{digest}.sock"


def _private_dir(path: Path) -> None:
    """The socket's folder must be ours alone: another user's folder could hold a fake worker."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = path.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise WorkerError(f"{path} is not private to this user (owner {st.st_uid}, mode "
                          f"{oct(st.st_mode & 0o777)}); remove it and try again")


class KataClient:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = socket_path(home)
        self.key = code_key()

    # -- the warm worker ---------------------------------------------------------

    def _connect(self) -> socket.socket | None:
        _private_dir(self.path.parent)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(self.path))
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            return None
        return s

    def _exchange(self, s: socket.socket, msg: dict[str, Any], timeout: float) -> dict[str, Any]:
        s.settimeout(timeout)
        send_frame(s, encode_json(msg))
        frame = recv_frame(s)
        if frame is None:
            raise WorkerError("the kata worker closed the connection without an answer")
        return dict(decode_json(frame))

    def start(self) -> None:
        """Start a worker in the background and wait until it answers."""
        idle = os.environ.get("STUDY_KATA_IDLE_S", "900")
        log = self.path.with_suffix(".log")
        _private_dir(self.path.parent)
        with open(log, "ab") as out:
            subprocess.Popen(
                [sys.executable, "-m", "study.kata.worker", "--socket", str(self.path),
                 "--idle", idle, "--code-key", self.key],
                stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
                close_fds=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            s = self._connect()
            if s is not None:
                with s:
                    try:
                        if self._exchange(s, {"op": "ping", "code_key": self.key}, 10).get("ok"):
                            return
                    except (OSError, WorkerError):
                        pass
            time.sleep(0.05)
        raise WorkerError(f"the kata worker did not start (see {log})")

    def stop(self) -> bool:
        s = self._connect()
        if s is None:
            return False
        with s, contextlib.suppress(OSError, WorkerError):
            self._exchange(s, {"op": "stop"}, 10)
        return True

    def running(self) -> bool:
        s = self._connect()
        if s is None:
            return False
        with s:
            try:
                return bool(self._exchange(s, {"op": "ping", "code_key": self.key}, 5).get("ok"))
            except (OSError, WorkerError):
                return False

    def check(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run one check; the answer is the judge's result as a dict."""
        if os.environ.get("STUDY_KATA_WORKER", "1") == "0":
            return self.check_cold(request)
        timeout = float(request.get("timeout_s", 20)) + 60
        for _ in range(3):
            s = self._connect()
            if s is None:
                self.start()
                continue
            with s:
                try:
                    answer = self._exchange(s, {"op": "check", "code_key": self.key,
                                                "request": request}, timeout)
                except (ConnectionError, BrokenPipeError):
                    time.sleep(0.1)
                    continue
            if answer.get("restart"):
                time.sleep(0.2)  # the old worker is leaving; start a new one
                continue
            return answer
        raise WorkerError("could not reach the kata worker")

    def check_cold(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = subprocess.run(
            [sys.executable, "-m", "study.kata.worker", "--once"], input=json.dumps(request),
            capture_output=True, text=True, timeout=float(request.get("timeout_s", 20)) + 120,
        )
        if proc.returncode != 0:
            raise WorkerError(f"the kata check process failed:\n{proc.stderr[-2000:]}")
        return dict(json.loads(proc.stdout))
