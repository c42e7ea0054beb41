"""The warm kata worker: torch imported once, a fresh forked judge per check.

    python -m study.kata.worker --socket PATH [--idle SECONDS] [--code-key KEY]
    python -m study.kata.worker --once < request.json      (cold: one check, no server)

The worker never creates a CUDA context (forking after that is unsafe); the
sandbox that runs the learner's code initialises CUDA itself when asked to.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

from study.kata.protocol import decode_json, encode_json, recv_frame, send_frame


def serve(path: Path, idle_s: float, code_key: str) -> None:
    from study.kata.judge import warm_up

    warm_up()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)  # the socket is for this user only
    try:
        server.bind(str(path))
    finally:
        os.umask(old_umask)
    server.listen(16)
    server.settimeout(0.5)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    last = time.monotonic()
    try:
        while time.monotonic() - last < idle_s:
            with contextlib.suppress(ChildProcessError):
                while os.waitpid(-1, os.WNOHANG)[0]:
                    pass
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            last = time.monotonic()
            conn.settimeout(30)
            try:
                peek = _control(conn, code_key)
            except (OSError, ValueError):
                conn.close()  # a client that went away: serve the next one
                continue
            if peek == "stop":
                conn.close()
                return
            if peek == "handled":
                conn.close()
                continue
            pid = os.fork()
            if pid == 0:
                server.close()
                try:
                    _handle_request(conn, peek)
                finally:
                    os._exit(0)
            conn.close()
    finally:
        server.close()
        with contextlib.suppress(FileNotFoundError):
            if path.exists():
                path.unlink()


def _control(conn: socket.socket, code_key: str) -> str | dict:
    """Read the request; answer control messages here, return check requests."""
    frame = recv_frame(conn)
    if frame is None:
        return "handled"
    msg = decode_json(frame)
    if msg.get("code_key") not in (None, code_key):
        send_frame(conn, encode_json({"restart": True}))
        return "stop"  # our code changed under us: a fresh worker will load the new one
    if msg.get("op") == "stop":
        send_frame(conn, encode_json({"stopped": True}))
        return "stop"
    if msg.get("op") == "ping":
        send_frame(conn, encode_json({"ok": True, "pid": os.getpid()}))
        return "handled"
    return msg


def _handle_request(conn: socket.socket, msg: dict) -> None:
    from study.kata.judge import CheckRequest, run_check

    result = run_check(CheckRequest.from_dict(msg["request"]))
    conn.settimeout(30)
    with contextlib.suppress(OSError):
        send_frame(conn, encode_json(result.to_dict()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--socket", type=Path)
    ap.add_argument("--idle", type=float, default=900.0)
    ap.add_argument("--code-key", default="")
    ap.add_argument("--once", action="store_true", help="read one request on stdin, answer, exit")
    args = ap.parse_args(argv)
    if args.once:
        from study.kata.judge import CheckRequest, run_check

        request = CheckRequest.from_dict(json.loads(sys.stdin.read()))
        print(json.dumps(run_check(request).to_dict()))
        return 0
    if args.socket is None:
        ap.error("--socket is required (or --once)")
    serve(args.socket, args.idle, args.code_key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
