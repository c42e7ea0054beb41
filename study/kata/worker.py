"""The warm kata worker: the judge, one per study home.

    python -m study.kata.worker --socket PATH --token FILE [--idle S] [--linger S] [--code-key K]
    python -m study.kata.worker --once < request.json      (cold: one check, no server)

Once it has imported torch and the sandbox, and before it reads its secret or
loads any checker, it forks the sandbox host (so the learner's code never runs
in a process that saw a checker or the secret, and torch is imported once); each
check is judged in a forked child of the worker, which holds that kata's checker
and answers, and asks the host for a confined sandbox.

Only one worker runs per home (it holds a lock for its lifetime). Every request
and every answer is authenticated with a secret in a 0600 file beside the socket
(HMAC both ways, nonces never reused), so nothing without the secret can ask for
a check, stop the worker or pose as it. It leaves when idle, or shortly after the
last attached client (the app, `kata watch`) is gone.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import select
import signal
import socket
import sys
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from study.kata.protocol import decode_json, encode_json, recv_frame, send_frame
from study.kata.wire import mac, read_token, verify

IDLE_S = 300.0  # with no client attached: wait this long for the next check
LINGER_S = 10.0  # after the last attached client left
LOCK_WAIT_S = 10.0  # for the lock of a worker that is leaving
PREPARED_KEPT = 16  # katas whose cases and references stay in memory (a few MB each at most)


def _lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


class Worker:
    def __init__(self, path: Path, token: bytes, code_key: str, idle_s: float,
                 linger_s: float) -> None:
        self.path = path
        self.token = token
        self.code_key = code_key
        self.idle_s = idle_s
        self.linger_s = linger_s
        self.leases: set[socket.socket] = set()
        self.had_lease = False
        self.judges: set[int] = set()
        self.nonces: set[str] = set()
        self.last = time.monotonic()
        self.served = 0
        self.settled = False
        self.lock: int | None = None  # the home's worker lock, held while serving
        # Checkers whose cases and references are kept here (a fork of this process judges,
        # so each check inherits them): built for a checker once a judge has built them
        # without failing, so a broken user checker only ever hangs or crashes a judge.
        self.prepared: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.good: set[tuple[Any, ...]] = set()
        self.judged: dict[int, tuple[Any, ...] | None] = {}

    def start(self, link: Any) -> None:
        self.link = link
        from study.kata.judge import warm_up

        warm_up()
        self.link.wait_ready()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # a stale socket: we hold the lock, so it is no one's
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)  # the socket is for this user only
        try:
            self.server.bind(str(self.path))
        finally:
            os.umask(old_umask)
        self.server.listen(16)

    def done(self) -> bool:
        if self.leases or self.judges:
            return False
        quiet = time.monotonic() - self.last
        return quiet > (self.linger_s if self.had_lease else self.idle_s)

    def serve(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while not self.done():
                self._reap()
                ready, _, _ = select.select([self.server, *self.leases], [], [], 0.5)
                for s in ready:
                    if s is self.server:
                        conn, _ = self.server.accept()
                        if self._accept(conn) == "stop":
                            return
                    else:  # an attached client closed (or spoke: either way it is gone)
                        self.leases.discard(s)
                        s.close()
                        self.last = time.monotonic()
                if not self.link.alive():
                    return  # the host died: a fresh worker will start a fresh one
                if self.served and not self.judges and not self.settled:
                    from study.kata.host import settle

                    settle()  # judges forked from now on find it imported
                    self.settled = True
        finally:
            self.server.close()
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            if self.lock is not None:
                os.close(self.lock)  # no longer serving: a new worker may start at once
                self.lock = None
            self.link.close()

    def _reap(self) -> None:
        for pid in list(self.judges):
            with contextlib.suppress(ChildProcessError):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    self.judges.discard(pid)
                    self.last = time.monotonic()
                    key = self.judged.pop(pid, None)
                    if key is not None and os.waitstatus_to_exitcode(status) == 0:
                        self.good.add(key)

    def _prepared(self, req: Any) -> tuple[tuple[Any, ...] | None, Any]:
        """The kata's Prepared, kept from an earlier check or built now; None the first time
        (the judge builds it) or when building failed (the judge reports why)."""
        from study.kata.judge import CheckerError, fingerprint, prepare

        key = fingerprint(req)
        if key is None:
            return None, None
        if key in self.prepared:
            self.prepared.move_to_end(key)
            return key, self.prepared[key]
        if key not in self.good:
            return key, None
        try:
            ready = prepare(req)
        except CheckerError:
            self.good.discard(key)
            return key, None
        self.prepared[key] = ready
        while len(self.prepared) > PREPARED_KEPT:
            self.prepared.popitem(last=False)
        return key, ready

    def _reply(self, conn: socket.socket, nonce: str, body: dict[str, Any]) -> None:
        send_frame(conn, encode_json({"body": body, "mac": mac(self.token, "worker", nonce,
                                                                  body)}))

    def _accept(self, conn: socket.socket) -> str:
        conn.settimeout(5)
        try:
            frame = recv_frame(conn)
            msg = decode_json(frame) if frame else None
        except (OSError, ValueError):
            msg = None
        if not isinstance(msg, dict) or not isinstance(msg.get("body"), dict):
            conn.close()
            return ""
        body, nonce = msg["body"], str(msg.get("nonce", ""))
        if nonce in self.nonces or not verify(self.token, "client", nonce, body,
                                              str(msg.get("mac", ""))):
            with contextlib.suppress(OSError):
                send_frame(conn, encode_json({"refused": "not authenticated"}))
            conn.close()
            return ""  # a stop or a check from anything without the secret: refused
        self.nonces.add(nonce)
        self.last = time.monotonic()
        op = body.get("op")
        try:
            if body.get("code_key") not in (None, self.code_key):
                self._reply(conn, nonce, {"restart": True})
                return "stop"  # our code changed: a fresh worker will load the new one
            if op == "stop":
                self._reply(conn, nonce, {"stopped": True})
                return "stop"
            if op == "ping":
                self._reply(conn, nonce, {"ok": True, "pid": os.getpid()})
            elif op == "attach":
                self._reply(conn, nonce, {"ok": True})
                conn.settimeout(None)
                self.leases.add(conn)
                self.had_lease = True
                return ""
            elif op == "check":
                self._check(conn, nonce, body["request"])
        except (OSError, ValueError, KeyError):
            pass
        conn.close()
        return ""

    def _check(self, conn: socket.socket, nonce: str, request: dict[str, Any]) -> None:
        from study.kata.host import HostError
        from study.kata.judge import (
            DISK_MB,
            MARGIN_S,
            CheckerError,
            CheckRequest,
            prepare,
            run_check,
        )
        from study.kata.result import ERROR, CheckResult

        req = CheckRequest.from_dict(request)
        key, prepared = self._prepared(req)
        try:
            # Spawned here, in the one thread that talks to the host; judged in a fork.
            box = self.link.spawn(req.timeout_s + MARGIN_S + 30, DISK_MB)
        except HostError as exc:
            result = CheckResult(req.kata, ERROR, reason="judge", device=req.device,
                                 message=f"could not start the sandbox: {exc}")
            self._reply(conn, nonce, {"result": result.to_dict()})
            return
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                self.server.close()
                if self.lock is not None:
                    os.close(self.lock)  # the lock is the worker's alone
                for s in self.leases:
                    s.close()
                if prepared is None:
                    with contextlib.suppress(CheckerError):  # run_check reports it
                        prepared = prepare(req)
                result = run_check(req, lambda *_: box, prepared)
                code = 0 if prepared is not None else 4  # 0: the checker built its cases
                conn.settimeout(30)
                self._reply(conn, nonce, {"result": result.to_dict()})
            except BaseException:  # noqa: BLE001 - the client is told the judge failed
                code = 1
            finally:
                os._exit(code)
        box.close()
        self.judges.add(pid)
        if prepared is None:
            self.judged[pid] = key
        self.served += 1


def serve(path: Path, token_path: Path, idle_s: float, linger_s: float, code_key: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = _lock(path.with_suffix(".lock"))
    # A worker that was just stopped may hold the lock for a moment while it leaves; one
    # that is serving holds it for good, and this one goes (its client finds that one).
    deadline = time.monotonic() + LOCK_WAIT_S
    while lock is None and time.monotonic() < deadline:
        time.sleep(0.05)
        lock = _lock(path.with_suffix(".lock"))
    if lock is None:
        return 0  # another worker serves this home
    link = fork_host(path.parent / f"host-{os.getpid()}", path.with_suffix(".log"))
    worker = Worker(path, read_token(token_path), code_key, idle_s, linger_s)
    worker.lock = lock
    worker.start(link)
    worker.serve()
    return 0


def fork_host(base: Path, log: Path | None = None) -> Any:
    """The sandbox host, forked from this process once it has imported torch and the
    sandbox and before it has read the secret or loaded any checker: the host's memory
    (and so every sandbox's) holds neither, and a cold check pays one `import torch`, not
    two side by side (a third of its time on two cores)."""
    import study.kata.sandbox  # noqa: F401 - what the host needs, imported once for both
    from study.kata.host import HostLink

    return HostLink(base, log=log, fork=True)


def run_once(request: dict[str, Any]) -> dict[str, Any]:
    """One check in this process and a forked host: no server, nothing left behind."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="study-kata-") as tmp:
        link = fork_host(Path(tmp) / "host")
        from study.kata.judge import CheckRequest, run_check, warm_up

        try:
            warm_up()
            return run_check(CheckRequest.from_dict(request), link.spawn).to_dict()
        finally:
            link.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--socket", type=Path)
    ap.add_argument("--token", type=Path)
    ap.add_argument("--idle", type=float, default=IDLE_S)
    ap.add_argument("--linger", type=float, default=LINGER_S)
    ap.add_argument("--code-key", default="")
    ap.add_argument("--once", action="store_true", help="read one request on stdin, answer, exit")
    args = ap.parse_args(argv)
    if args.once:
        print(json.dumps(run_once(json.loads(sys.stdin.read()))), flush=True)
        os._exit(0)  # skip tearing torch down (a third of a second): nothing is left to save
    if args.socket is None or args.token is None:
        ap.error("--socket and --token are required (or --once)")
    return serve(args.socket, args.token, args.idle, args.linger, args.code_key)


if __name__ == "__main__":
    sys.exit(main())
