"""The sandbox host: a process that has imported torch and the sandbox, and
nothing of the judge, and forks one confined child per check.

    python -m study.kata.host --fd N --dir DIR

The worker forks it from itself before it reads its secret or loads a checker
(`HostLink(fork=True)`); `devrun`, whose process holds checkers, starts it as a
fresh interpreter with the command above.

It talks to its one owner (the worker, or `devrun` in tests) over the socket N:
JSON requests, answered with file descriptors passed along (SCM_RIGHTS). For
`spawn` it forks a child and hands back the child's channel, a pidfd to stop it
and a pipe on which the child's end is reported (its wait status, whether the
host stopped it and why, and the tail of what it printed). The host enforces a
wall-clock deadline and a disk cap per child, adopts (as a subreaper) and kills
anything a child leaves behind, and exits when its owner goes away; its
children die with it (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import shutil
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
PR_SET_NAME = 15
HOST_NAME = b"study-kata-host"  # at most 15 bytes
OUTPUT_TAIL = 4000
START_TIMEOUT_S = 90.0


@dataclass
class Child:
    pid: int
    status_w: int  # the write end of the pipe the judge waits on
    run_dir: Path
    deadline: float
    disk_mb: int
    killed: str = ""  # why the host stopped it: timeout, disk
    reports: list[str] = field(default_factory=list)
    exited: int = -1  # a pidfd, readable once the child has ended: the host reaps at once


def warm_up() -> None:
    """Pay the one-time costs before any fork, so each child starts hot."""
    import torch

    from study.kata.bans import Ban, Guard

    torch.set_num_threads(1)
    x = torch.ones(2, 2)
    with Guard(Ban(aten=("aten::_softmax",))) as guard, guard.watch_memory():
        (x @ x).exp().sum()
    import gc

    gc.freeze()  # shared with every child as it is: fewer pages copied, faster collections


def settle() -> None:
    """What torch imports on first use of an optimizer (torch._dynamo: one to two seconds),
    imported once while idle, after the first check: a cold start does not wait for it,
    and later checks (each a fresh fork) do not pay it."""
    import gc

    import torch._dynamo  # noqa: F401

    preseal()
    gc.collect()
    gc.freeze()


def preseal() -> None:
    """The sandbox's setup that does not depend on the check, done here once: each child
    then seals only what its check imported and carves only its check's paths."""
    from study.kata import bans, confine

    bans.seal(everywhere=True)
    confine.read_roots([])


def _dir_size(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def _adopted(known: set[int]) -> list[int]:
    """Processes re-parented to us (we are a subreaper) that are not our children."""
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{os.getpid()}/task"):
            with contextlib.suppress(OSError), open(
                    f"/proc/{os.getpid()}/task/{task}/children") as fh:
                pids += [int(p) for p in fh.read().split()]
    return [p for p in pids if p not in known]


class Host:
    def __init__(self, ctl: socket.socket, base: Path) -> None:
        self.ctl = ctl
        self.base = base
        self.children: dict[int, Child] = {}
        self.count = 0
        self.settled = False

    def spawn(self, deadline_s: float, disk_mb: int) -> None:
        from study.kata import sandbox

        self.count += 1
        run_dir = self.base / f"run-{os.getpid()}-{self.count}"
        tmp = run_dir / "tmp"
        tmp.mkdir(parents=True, mode=0o700)
        out_path = run_dir / "output"
        out_fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        judge_end, child_end = socket.socketpair()
        status_r, status_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            judge_end.close()
            sandbox.child_main(child_end, out_fd, tmp)  # never returns
        child_end.close()
        os.close(out_fd)
        pidfd = os.pidfd_open(pid)
        try:
            socket.send_fds(self.ctl, [json.dumps({"ok": True, "pid": pid}).encode()],
                            [judge_end.fileno(), status_r, pidfd])
        finally:
            judge_end.close()
            os.close(status_r)
            os.close(pidfd)
        self.children[pid] = Child(pid, status_w, run_dir, time.monotonic() + deadline_s,
                                   disk_mb, exited=os.pidfd_open(pid))

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            child = self.children.pop(pid, None)
            if child is None:
                continue  # an adopted orphan, killed below
            os.close(child.exited)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)  # anything left in its process group
            self._kill_orphans()
            try:
                output = (child.run_dir / "output").read_bytes()[-OUTPUT_TAIL:]
            except OSError:
                output = b""
            shutil.rmtree(child.run_dir, ignore_errors=True)
            report = {"status": status, "killed": child.killed,
                      "output": output.decode("utf-8", "replace")}
            with contextlib.suppress(OSError):
                os.write(child.status_w, json.dumps(report).encode())
            os.close(child.status_w)

    def _kill_orphans(self) -> None:
        for pid in _adopted(set(self.children)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    def police(self) -> None:
        now = time.monotonic()
        # A judge that died closed its end of the status pipe: its child goes too.
        poller = select.poll()
        for child in self.children.values():
            poller.register(child.status_w, select.POLLERR)
        orphaned = {fd for fd, ev in poller.poll(0) if ev & (select.POLLERR | select.POLLHUP)}
        for child in self.children.values():
            why = ""
            if child.status_w in orphaned:
                why = "judge gone"
            elif now > child.deadline:
                why = "timeout"
            elif _dir_size(child.run_dir / "tmp") > child.disk_mb << 20:
                why = "disk"
            if why and not child.killed:
                child.killed = why
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.pid, signal.SIGKILL)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(child.pid, signal.SIGKILL)

    def serve(self) -> None:
        presealed = False
        while True:
            # Until the first idle moment, do not wait: preseal then. A request already
            # waiting (a cold check's judge was quicker) is served first, and its child
            # seals for itself while the judge builds the references.
            wait = 0.02 if self.children else (0.5 if presealed else 0.0)
            watched: list[int] = [self.ctl.fileno(), *(c.exited for c in self.children.values())]
            ready, _, _ = select.select(watched, [], [], wait)
            if self.ctl.fileno() in ready:
                data = self.ctl.recv(65536)
                if not data:
                    return  # the owner is gone
                msg = json.loads(data.decode())
                if msg.get("op") == "spawn":
                    self.spawn(float(msg["deadline_s"]), int(msg["disk_mb"]))
                elif msg.get("op") == "ping":
                    self.ctl.sendall(json.dumps({"ok": True, "pid": os.getpid()}).encode())
            self.reap()
            self.police()
            if not presealed and not ready and not self.children:
                preseal()
                presealed = True
            if self.count and not self.children and not self.settled:
                settle()
                self.settled = True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--fd", type=int, required=True)
    ap.add_argument("--dir", type=Path, required=True)
    args = ap.parse_args(argv)
    return run_host(socket.socket(fileno=args.fd), args.dir)


FRESH = "fresh interpreter (no judge memory)"
FORKED = "forked from the worker before it read its secret or any checker (no judge memory)"


def run_host(ctl: socket.socket, base: Path, origin: str = FRESH) -> int:
    """Be the host: answer `ctl` until the owner is gone, then kill what is left."""
    from study.kata import sandbox

    sandbox.PROCESS = origin  # what each sandbox reports about where it comes from
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        # Its name in ps and /proc/PID/comm (a forked host has the worker's command line).
        ctypes.CDLL(None).prctl(PR_SET_NAME, HOST_NAME, 0, 0, 0)
    from study.kata import confine

    confine.die_with_parent()
    confine.preload()
    warm_up()
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    ctl.sendall(json.dumps({"ok": True, "pid": os.getpid(), "ready": True}).encode())
    host = Host(ctl, base)
    try:
        host.serve()
    finally:
        for pid in list(host.children):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())


# -- the owner's side ------------------------------------------------------------------------

class HostError(RuntimeError):
    pass


@dataclass
class Sandbox:
    """One confined child, as its judge sees it."""

    chan: socket.socket
    status_fd: int
    pidfd: int
    pid: int

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)

    def end(self, timeout: float = 10.0) -> dict[str, object]:
        """Stop the child (if it still runs) and return the host's report of its end."""
        self.kill()
        deadline = time.monotonic() + timeout
        data = b""
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([self.status_fd], [], [], deadline - time.monotonic())
                if not ready:
                    break
                chunk = os.read(self.status_fd, 65536)
                if not chunk:
                    break
                data += chunk
        finally:
            self.close()
        try:
            return dict(json.loads(data.decode())) if data else {}
        except ValueError:
            return {}

    def close(self) -> None:
        self.chan.close()
        for fd in (self.status_fd, self.pidfd):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.status_fd = self.pidfd = -1


class _Forked:
    """A forked host, answering as much of Popen as HostLink uses."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.code: int | None = None

    def poll(self) -> int | None:
        if self.code is None:
            with contextlib.suppress(ChildProcessError):
                done, status = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    self.code = os.waitstatus_to_exitcode(status)
        return self.code

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> int | None:
        if self.code is None:
            with contextlib.suppress(ChildProcessError):
                self.code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        return self.code


class HostLink:
    """The owner's end: starts a host and asks it for sandboxes (one owner, one thread)."""

    def __init__(self, base: Path, log: Path | None = None, fork: bool = False) -> None:
        """`fork`: the host is a fork of this process instead of a fresh interpreter, which
        saves a second `import torch` on a cold check. Only for a process that holds no
        checker, answer or secret yet (`worker --once` before it loads the checker) and
        has imported torch and the sandbox without running an op."""
        import subprocess

        self.base = base
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        if fork:
            self.sock = ours
            self.ready = False
            self.proc: subprocess.Popen[bytes] | _Forked = _Forked(self._fork(ours, theirs, log))
            return
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "study.kata.host", "--fd", str(theirs.fileno()),
                 "--dir", str(base)],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                close_fds=True)
        finally:
            theirs.close()
            if log:
                out.close()  # type: ignore[union-attr]
        self.sock = ours
        self.ready = False

    def _fork(self, ours: socket.socket, theirs: socket.socket, log: Path | None) -> int:
        from study.kata import confine

        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid:
            theirs.close()
            return pid
        code = 1
        try:
            ours.close()
            null = os.open(os.devnull, os.O_RDWR)
            out = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600) if log else null
            os.dup2(null, 0)
            os.dup2(out, 1)
            os.dup2(out, 2)
            confine.close_fds([theirs.fileno()])
            code = run_host(theirs, self.base, FORKED)
        finally:
            os._exit(code)

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        if self.ready:
            return
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except TimeoutError as exc:
            raise HostError("the sandbox host did not start in time") from exc
        if not data:
            raise HostError("the sandbox host exited while starting")
        self.ready = True

    def alive(self) -> bool:
        return self.proc.poll() is None

    def spawn(self, deadline_s: float, disk_mb: int) -> Sandbox:
        self.wait_ready()
        self.sock.settimeout(30)
        try:
            self.sock.sendall(json.dumps({"op": "spawn", "deadline_s": deadline_s,
                                          "disk_mb": disk_mb}).encode())
            msg, fds, _, _ = socket.recv_fds(self.sock, 65536, 3)
        except OSError as exc:
            raise HostError(f"the sandbox host did not answer ({exc})") from exc
        if not msg or len(fds) != 3:
            for fd in fds:
                os.close(fd)
            raise HostError("the sandbox host stopped")
        answer = json.loads(msg.decode())
        return Sandbox(socket.socket(fileno=fds[0]), fds[1], fds[2], int(answer["pid"]))

    def close(self) -> None:
        """Stop the host now (it may be busy settling; its children die with it) and
        remove its folder."""
        with contextlib.suppress(OSError):
            self.sock.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.base, ignore_errors=True)
