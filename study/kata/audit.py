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
# The interpreter's frames: from one, f_back leads to the sandbox's own frames and their
# variables (the memory watch of a case, the channel's sender). Tracers and profilers are
# handed frames too.
ORIGINAL_EVENT = "study.kata.original"  # bans.ORIGINAL_EVENT (audit imports no torch)
_TRACING = frozenset({"sys._current_frames", "sys._current_exceptions", "sys.settrace",
                      "sys.setprofile"})
DRIVE_FILE = "drive.py"  # the name a kata's drive runs under in the sandbox (the checker's)
_FRAME_ATTRS = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})
_FRAMES = "reaching the interpreter's stack frames (sys._getframe, inspect, tracebacks, tracers)"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class SandboxDenied(PermissionError):
    """What a kata solution may not do."""


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r + os.sep) for r in roots)


def install(writable: list[Path], hidden: list[Path],
            sealed: tuple[list[Any], Any, Any, set[int]] | None = None) -> None:
    """`sealed`: from bans.hide_originals; the hook keeps the originals of the guards'
    switches and gives one only to a stand-in's call (its `_original`)."""
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
    import inspect
    import traceback

    inspect_file, traceback_file = inspect.__file__, traceback.__file__

    walking = [False]  # the walk below raises events of its own: the hook lets them by

    def learners() -> bool:
        walking[0] = True
        try:
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
        finally:
            walking[0] = False

    def frame_to_learner() -> bool:
        """Is a frame about to reach the learner's code? The code that took it (the frame
        two up: the hook's caller) is the learner's own; or inspect's (whose functions
        return frames: stack, trace, currentframe) or traceback's walk_tb/walk_stack on the
        learner's behalf, or a package's (site-packages) called from the learner's. The rest
        of the standard library (typing, collections and enum take their caller's module
        name), torch and the checker keep what they take."""
        walking[0] = True
        try:
            frame: FrameType | None = sys._getframe(2)
            if frame is not None and frame.f_code.co_filename == traceback_file:
                if frame.f_code.co_name not in ("walk_tb", "walk_stack"):
                    return False
                frame = frame.f_back  # a generator's: the frame consuming it
            while frame is not None and frame.f_code.co_filename == inspect_file:
                frame = frame.f_back
            while frame is not None:
                name = frame.f_code.co_filename
                if _under(name, trusted) or name == DRIVE_FILE:
                    return False
                if not (_under(name, site_dirs) or name.startswith("<frozen")):
                    return not _under(name, [stdlib])  # the learner's, or the stdlib's own
                frame = frame.f_back  # a package's code: whoever called it
            return False
        finally:
            walking[0] = False

    def deny(what: str) -> None:
        raise SandboxDenied(f"{what} is not available to a kata solution (the sandbox refused "
                            f"it)")

    originals, original_code, stand_in_code, unread = sealed or ([], None, None, set())

    def answer_stand_in(args: tuple[Any, ...]) -> None:
        walking[0] = True
        try:
            if len(args) != 2 or type(args[0]) is not int or type(args[1]) is not list:
                return
            asking = sys._getframe(2)  # _original's frame, called by a stand-in's
            caller = asking.f_back
            if (asking.f_code is original_code and caller is not None
                    and caller.f_code is stand_in_code and 0 <= args[0] < len(originals)):
                args[1].append(originals[args[0]])
        finally:
            walking[0] = False

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if walking[0]:
            return
        if event == "object.__getattr__":  # frequent (every frame walk reads f_code)
            if len(args) > 1 and args[1] in _FRAME_ATTRS and frame_to_learner():
                deny(_FRAMES)
            if len(args) > 1 and args[1] == "__code__" and id(args[0]) in unread:
                deny("reading the code of the checker's guards")
            return
        if event == ORIGINAL_EVENT:
            answer_stand_in(args)
            return
        if event == "sys._getframe":
            if frame_to_learner():
                deny(_FRAMES)
            return
        if event in _TRACING:  # a tracer is handed every frame: none while the learner runs
            if learners():
                deny(_FRAMES)
            return
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
            if (_under(name, trusted) or name.startswith("<frozen") or name == DRIVE_FILE
                    ) and learners():
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
