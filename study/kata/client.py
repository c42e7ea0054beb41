"""Talking to the kata worker, without importing torch.

The first check starts a warm worker in the background (it imports torch once);
later checks reuse it. One worker serves a home: starting is serialised by a
lock, so simultaneous first checks start one worker. The worker leaves after
`STUDY_KATA_IDLE_S` seconds without a check (default 300), or
`STUDY_KATA_LINGER_S` seconds (default 10) after the last attached client (the
app, `kata watch`) is gone, and restarts when study's
own code has changed. `STUDY_KATA_WORKER=0` runs every check in a fresh process.

Every exchange is authenticated both ways (`wire`). The client never waits
forever: past the kata's time limit plus a margin, or when the worker dies, the
check ends as an error that says so.
"""

from __future__ import annotations

import contextlib
import fcntl
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
from study.errors import StudyError
from study.kata.protocol import decode_json, encode_json, recv_frame, send_frame
from study.kata.result import ERROR, CheckResult
from study.kata.wire import ensure_token, nonce, verify
from study.kata.wire import mac as sign

START_TIMEOUT_S = 90.0
ANSWER_MARGIN_S = 30.0  # beyond the kata's own limit: references, sandbox start, transfer


class WorkerError(StudyError, RuntimeError):
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


def hidden_paths(home: Path, roots: list[Path]) -> list[str]:
    """What the sandbox must never see: the home (database, workspace) and the content."""
    return [str(home.resolve()), *(str(r.resolve()) for r in roots)]


class KataClient:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = socket_path(home)
        self.key = code_key()
        self._token: bytes | None = None
        self._lease: socket.socket | None = None

    @property
    def token(self) -> bytes:
        if self._token is None:
            _private_dir(self.path.parent)
            self._token = ensure_token(self.path.with_suffix(".token"))
        return self._token

    # -- talking -----------------------------------------------------------------------

    def _connect(self) -> socket.socket | None:
        _private_dir(self.path.parent)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(self.path))
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            return None
        return s

    def _exchange(self, s: socket.socket, body: dict[str, Any], timeout: float) -> dict[str, Any]:
        s.settimeout(timeout)
        n, _ = self._send(s, body)
        return self._receive(s, n)

    def _send(self, s: socket.socket, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        n = nonce()
        body = {**body, "code_key": self.key}
        send_frame(s, encode_json({"body": body, "nonce": n, "mac": sign(self.token, "client",
                                                                          n, body)}))
        return n, body

    def _receive(self, s: socket.socket, n: str) -> dict[str, Any]:
        frame = recv_frame(s)
        if frame is None:
            raise WorkerError("the kata worker closed the connection without an answer")
        msg = decode_json(frame)
        if not isinstance(msg, dict) or "refused" in msg:
            raise WorkerError(f"the kata worker refused the request ({msg.get('refused')})"
                              if isinstance(msg, dict) else "an unreadable answer")
        answer = msg.get("body")
        if not isinstance(answer, dict) or not verify(self.token, "worker", n, answer,
                                                      str(msg.get("mac", ""))):
            raise WorkerError("the answer did not come from this home's kata worker "
                              "(authentication failed)")
        return answer

    # -- the worker --------------------------------------------------------------------

    def start(self) -> None:
        """Start a worker in the background (unless one runs) and wait until it answers."""
        _private_dir(self.path.parent)
        token_file = self.path.with_suffix(".token")
        self.token  # noqa: B018 - made before the worker reads it
        lock = os.open(self.path.with_suffix(".start"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one starter at a time
            if self.running():
                return
            idle = os.environ.get("STUDY_KATA_IDLE_S", "300")
            linger = os.environ.get("STUDY_KATA_LINGER_S", "10")
            log = self.path.with_suffix(".log")
            with open(log, "ab") as out:
                subprocess.Popen(
                    [sys.executable, "-m", "study.kata.worker", "--socket", str(self.path),
                     "--token", str(token_file), "--idle", idle, "--linger", linger,
                     "--code-key", self.key],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
                    close_fds=True)
            deadline = time.monotonic() + START_TIMEOUT_S
            while time.monotonic() < deadline:
                if self.running():
                    return
                time.sleep(0.05)
            raise WorkerError(f"the kata worker did not start (see {log})")
        finally:
            os.close(lock)

    def stop(self) -> bool:
        """Stop this home's worker; False if none was running."""
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
                return bool(self._exchange(s, {"op": "ping"}, 5).get("ok"))
            except (OSError, WorkerError):
                return False

    def attach(self) -> None:
        """Hold the worker while this client lives (the app): it leaves shortly after."""
        if self._lease is not None:
            return
        s = self._connect()
        if s is None:
            self.start()
            s = self._connect()
        if s is None:
            return
        try:
            self._exchange(s, {"op": "attach"}, 10)
        except (OSError, WorkerError):
            s.close()
            return
        self._lease = s

    def detach(self) -> None:
        if self._lease is not None:
            self._lease.close()
            self._lease = None

    def warm(self) -> None:
        """Start the worker now (while the learner reads), so the first check is fast."""
        if not self.running():
            self.start()

    # -- checks ------------------------------------------------------------------------

    def check(self, request: dict[str, Any],
              sent: tuple[socket.socket, str] | None = None) -> CheckResult:
        """Run one check. Problems reaching the judge come back as an error result.
        `sent`: the request already sent on this connection (with this nonce)."""
        kata = str(request.get("kata", ""))
        device = str(request.get("device", ""))
        limit = float(request.get("timeout_s", 20))
        try:
            if os.environ.get("STUDY_KATA_WORKER", "1") == "0" and sent is None:
                return self.check_cold(request)
            return self._check_warm(request, limit, sent)
        except (OSError, WorkerError, ValueError) as exc:
            return CheckResult(kata, ERROR, reason="judge", device=device,
                               message=f"the kata judge failed: {exc}")

    def submit(self, request: dict[str, Any]) -> PendingCheck:
        """Send a check and return at once: the caller does its own work while the judge
        does its (the CLI opens the database meanwhile); `result()` then waits for it."""
        return PendingCheck(self, request)

    def _check_warm(self, request: dict[str, Any], limit: float,
                    sent: tuple[socket.socket, str] | None = None) -> CheckResult:
        for _ in range(3):
            n: str | None = None
            if sent is not None:
                (s, n), sent = sent, None
            else:
                connected = self._connect()
                if connected is None:
                    self.start()
                    continue
                s = connected
            with s:
                try:
                    if n is None:
                        answer = self._exchange(s, {"op": "check", "request": request},
                                                limit + ANSWER_MARGIN_S)
                    else:
                        s.settimeout(limit + ANSWER_MARGIN_S)
                        answer = self._receive(s, n)
                except TimeoutError:
                    raise WorkerError(f"no answer within {limit + ANSWER_MARGIN_S:g} s (the "
                                      f"kata's limit is {limit:g} s)") from None
                except (ConnectionError, BrokenPipeError):
                    time.sleep(0.1)
                    continue
                except WorkerError as exc:
                    if "without an answer" in str(exc):
                        raise WorkerError("the kata judge stopped before answering (it may "
                                          "have crashed); try again") from None
                    raise
            if answer.get("restart"):
                time.sleep(0.2)  # the old worker is leaving; start a new one
                continue
            return CheckResult.from_dict(dict(answer["result"]))
        raise WorkerError("could not reach the kata worker")

    def check_cold(self, request: dict[str, Any]) -> CheckResult:
        limit = float(request.get("timeout_s", 20))
        proc = subprocess.run(
            [sys.executable, "-m", "study.kata.worker", "--once"], input=json.dumps(request),
            capture_output=True, text=True, timeout=limit + START_TIMEOUT_S,
        )
        if proc.returncode != 0:
            raise WorkerError(f"the kata check process failed:\n{proc.stderr[-2000:]}")
        return CheckResult.from_dict(dict(json.loads(proc.stdout)))


class PendingCheck:
    """A check sent to a running worker, its answer not read yet. Where none runs (or the
    send fails) nothing is sent here: `result()` then checks the usual way, starting one."""

    def __init__(self, client: KataClient, request: dict[str, Any]) -> None:
        self.client = client
        self.request = request
        self._sent: tuple[socket.socket, str] | None = None
        if os.environ.get("STUDY_KATA_WORKER", "1") == "0":
            return
        s = None
        try:
            s = client._connect()
            if s is not None:
                s.settimeout(10)
                self._sent = (s, client._send(s, {"op": "check", "request": request})[0])
        except OSError:
            if s is not None:
                s.close()

    def cancel(self) -> None:
        """Never mind the answer (the request turned out stale): the connection closes,
        and the worker's answer goes nowhere."""
        sent, self._sent = self._sent, None
        if sent is not None:
            sent[0].close()

    def result(self) -> CheckResult:
        """The judge's answer (as `KataClient.check` gives it)."""
        sent, self._sent = self._sent, None
        return self.client.check(self.request, sent)
