"""Python audit hooks for the sandbox child: the layer that works on every system.

Installed after the kernel's confinement and before the learner's code is
imported. An audit hook cannot be removed once added. It refuses, with a
message: processes, sockets, native code through ctypes/cffi, sqlite, files
written outside the sandbox's temporary folder, and any file under a hidden path
(the study home, the content folders, study's own package). Where Landlock and
seccomp exist they hold all of this in the kernel anyway; here it also gives the
learner a readable error instead of a bare EPERM.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import FrameType
from typing import Any

_DENIED_EVENTS = {
    "os.system": "running a shell", "os.exec": "starting a program",
    "os.posix_spawn": "starting a program", "os.spawn": "starting a program",
    "os.fork": "creating a process", "os.forkpty": "creating a process",
    "subprocess.Popen": "starting a program", "pty.spawn": "starting a program",
    "socket.__new__": "opening a socket", "socket.connect": "a network connection",
    "socket.bind": "a network socket", "socket.getaddrinfo": "the network",
    "socket.gethostbyname": "the network", "socket.sendto": "the network",
    "sqlite3.connect": "opening a database", "sqlite3.connect/handle": "opening a database",
    "os.kill": "signalling another process", "os.killpg": "signalling another process",
    "signal.pthread_kill": "signalling a thread", "_posixsubprocess.fork_exec":
    "starting a program", "os.startfile": "starting a program",
    "os.chroot": "changing the root",
}
# Modules that reach native code or other processes, refused when a solution imports
# them (torch may; a module torch already imported is refused at use: ctypes.* events).
_DENIED_IMPORTS = {"ctypes", "_ctypes", "cffi", "_cffi_backend", "sqlite3", "_sqlite3",
                   "multiprocessing", "_multiprocessing", "subprocess", "_posixsubprocess",
                   "socket", "_socket", "pty", "mmap"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class SandboxDenied(PermissionError):
    """What a kata solution may not do."""


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r + os.sep) for r in roots)


def install(writable: list[Path], hidden: list[Path]) -> None:
    write_roots = [str(p.resolve()) for p in writable]
    hidden_roots = [str(p.resolve()) for p in hidden]
    # Whose code asked: torch's and the kata engine's own code may do what a solution may
    # not (a lazy `import subprocess` inside torch.optim, ctypes inside torch). The
    # standard library is looked through (`importlib.import_module("ctypes")` is the
    # caller's). A learner's code runs as `<kata>/...` and cannot take torch's file names
    # (compile below), so the nearest frame that is not the standard library tells.
    import torch

    trusted = [str(Path(torch.__file__).resolve().parent), str(Path(__file__).resolve().parent)]
    stdlib = str(Path(os.__file__).resolve().parent)
    site_dirs = [p for p in sys.path if p.startswith(stdlib + os.sep) and "-packages" in p]
    pid = os.getpid()

    def learners() -> bool:
        frame: FrameType | None = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if _under(name, trusted):
                return False
            if not (name.startswith("<frozen") or (_under(name, [stdlib]) and
                                                    not _under(name, site_dirs))):
                return True
            frame = frame.f_back
        return False

    def deny(what: str) -> None:
        raise SandboxDenied(f"{what} is not available to a kata solution (the sandbox refused "
                            f"it)")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "sys.addaudithook":
            # Only a RuntimeError stops a new hook (one that would run in the judge's turn).
            raise RuntimeError("adding an audit hook is not available to a kata solution")
        if event == "open":
            path, mode, flags = (args + (None, None, None))[:3]
            if isinstance(path, int) or path is None:
                return
            full = os.path.realpath(os.fsdecode(path))
            writing = bool(isinstance(mode, str) and set(mode) & set("wax+")) or bool(
                isinstance(flags, int) and flags & _WRITE_FLAGS)
            if _under(full, hidden_roots):
                deny(f"reading {full}")
            if writing and not _under(full, write_roots) and full != os.devnull:
                deny(f"writing {full} (write only in the temporary folder, $TMPDIR)")
            return
        if event == "compile" and len(args) > 1 and isinstance(args[1], str | bytes):
            name = os.fsdecode(args[1])
            if (_under(name, trusted) or name.startswith("<frozen")) and learners():
                deny("compiling code that claims to be torch's or study's own")
            return
        if event in ("os.kill", "os.killpg") and args and args[0] in (pid, 0):
            return
        what = _DENIED_EVENTS.get(event)
        if what is not None:
            deny(what)
        if event.startswith(("ctypes.", "_ctypes.", "cffi.")):
            what = "native code through ctypes"
        elif event == "import" and args and str(args[0]).split(".")[0] in _DENIED_IMPORTS:
            what = f"the module {args[0]}"
        elif event == "code.__new__":
            what = "making code objects by hand"
        elif event == "object.__setattr__" and len(args) > 1 and args[1] == "__code__":
            what = "replacing a function's code"
        elif event in ("gc.get_objects", "gc.get_referrers", "gc.get_referents"):
            what = "walking the interpreter's objects"
        if what is not None and learners():
            deny(what)

    sys.addaudithook(hook)
