"""Kernel-enforced confinement for the sandbox child, applied before the learner's
code is imported. Everything here holds for root too: Landlock and seccomp filters
bind every process that installs them, whatever its capabilities.

- Landlock (Linux 5.13+): files readable only under the interpreter's own folders
  and the system's libraries; writable only in a private temporary folder; no TCP
  bind/connect (ABI 4+); no signals or abstract sockets beyond the sandbox (ABI 6+).
- seccomp (libseccomp through `pyseccomp`): no new processes (fork, clone without
  CLONE_THREAD, exec), no sockets at all, no ptrace or cross-process memory access,
  no signals to other processes, no namespaces, mounts, io_uring or handle opens.
- rlimits: CPU seconds, file size, open files, processes, core dumps.

Each layer reports "on" or why not; the report travels with the check's result.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import resource
import signal
import stat
import struct
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_NO_NEW_PRIVS = 38
PR_SET_DUMPABLE = 4
PR_SET_PDEATHSIG = 1

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # every architecture
_RULE_PATH_BENEATH = 1
_CREATE_RULESET_VERSION = 1

# Landlock file-system rights, by the ABI that introduced them.
_FS = {
    "execute": (1 << 0, 1), "write_file": (1 << 1, 1), "read_file": (1 << 2, 1),
    "read_dir": (1 << 3, 1), "remove_dir": (1 << 4, 1), "remove_file": (1 << 5, 1),
    "make_char": (1 << 6, 1), "make_dir": (1 << 7, 1), "make_reg": (1 << 8, 1),
    "make_sock": (1 << 9, 1), "make_fifo": (1 << 10, 1), "make_block": (1 << 11, 1),
    "make_sym": (1 << 12, 1), "refer": (1 << 13, 2), "truncate": (1 << 14, 3),
    "ioctl_dev": (1 << 15, 5),
}
_FILE_RIGHTS = ("execute", "write_file", "read_file", "truncate", "ioctl_dev")
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
_SCOPE_ABSTRACT_UNIX, _SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

READ = ("read_file", "read_dir", "execute")
READ_WRITE = tuple(_FS)
DEVICE = ("read_file", "read_dir", "write_file", "ioctl_dev")

_libc: ctypes.CDLL | None = None


def _lib() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
    return _libc


def _syscall(nr: int, *args: object) -> int:
    res = int(_lib().syscall(nr, *args))
    if res < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return res


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 where it has none (or it is disabled)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        return _syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0),
                        ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except OSError:
        return 0


def _mask(names: Iterable[str], abi: int, is_dir: bool = True) -> int:
    bits = 0
    for name in names:
        bit, since = _FS[name]
        if since <= abi and (is_dir or name in _FILE_RIGHTS):
            bits |= bit
    return bits


@dataclass
class Policy:
    """What the confined process may still reach."""

    read: list[Path] = field(default_factory=list)  # read (and map) beneath these
    write: list[Path] = field(default_factory=list)  # everything beneath these
    devices: list[Path] = field(default_factory=list)  # read/write/ioctl (GPU device files)
    threads: bool = False  # CUDA's driver needs its own threads; CPU checks get none
    cpu_s: int = 30
    file_mb: int = 64
    open_files: int = 256


def landlock(policy: Policy) -> str:
    abi = landlock_abi()
    if abi <= 0:
        return "unavailable (this kernel has no Landlock)"
    handled_fs = _mask(_FS, abi)
    attr = struct.pack("=Q", handled_fs)
    if abi >= 4:
        attr += struct.pack("=Q", _NET_BIND_TCP | _NET_CONNECT_TCP)
    if abi >= 6:
        attr += struct.pack("=Q", _SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL)
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = _syscall(_SYS_CREATE_RULESET, buf, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
    try:
        for paths, rights in ((policy.read, READ), (policy.write, READ_WRITE),
                              (policy.devices, DEVICE)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue  # not on this machine
                try:
                    is_dir = stat.S_ISDIR(os.fstat(fd).st_mode)
                    rule = struct.pack("=Qi", _mask(rights, abi, is_dir), fd)
                    rbuf = ctypes.create_string_buffer(rule, len(rule))
                    _syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, rbuf, ctypes.c_uint32(0))
                finally:
                    os.close(fd)
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        _syscall(_SYS_RESTRICT_SELF, ruleset, ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    extra = [] if abi >= 4 else ["no TCP rules before ABI 4"]
    return f"on (ABI {abi})" + (f"; {', '.join(extra)}" if extra else "")


def _prctl(option: int, value: int) -> None:
    if _lib().prctl(option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0),
                    ctypes.c_ulong(0)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


# Syscalls a kata never needs, refused with EPERM. Processes, exec, sockets, tracing,
# other processes' memory, namespaces and mounts, kernel keys, BPF, io_uring (which
# would run I/O outside the filter), handle-based opens (which bypass paths).
_DENY = (
    "fork", "vfork", "execve", "execveat", "socket", "socketpair", "connect", "bind", "listen",
    "accept", "accept4", "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise",
    "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "kcmp", "mount", "umount2", "unshare",
    "setns", "pivot_root", "chroot", "bpf", "perf_event_open", "keyctl", "add_key",
    "request_key", "io_uring_setup", "io_uring_enter", "io_uring_register", "userfaultfd",
    "open_by_handle_at", "name_to_handle_at", "mknod", "mknodat", "fanotify_init",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "syslog", "setuid", "setgid", "setreuid",
    "setregid", "setresuid", "setresgid", "setgroups", "mount_setattr", "fsopen", "fsmount",
    "fsconfig", "move_mount", "open_tree", "personality", "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    # Root could otherwise lift its own limits, or reach the machine itself.
    "setrlimit", "clock_settime", "clock_adjtime", "settimeofday", "adjtimex", "sethostname",
    "setdomainname", "iopl", "ioperm", "vhangup", "move_pages", "migrate_pages",
    "lookup_dcookie", "uselib", "sysfs", "capset",
)
CLONE_THREAD = 0x00010000


def preload() -> None:
    """Import what confinement needs while processes may still be started (pyseccomp
    looks libseccomp up with ldconfig at import)."""
    _lib()
    with contextlib.suppress(ImportError, OSError):
        import pyseccomp  # noqa: F401


def seccomp(policy: Policy) -> str:
    try:
        import pyseccomp as sc
    except (ImportError, OSError) as exc:  # no libseccomp on this system
        return f"unavailable ({exc.__class__.__name__}: {exc})"
    f = sc.SyscallFilter(sc.ALLOW)
    deny = sc.ERRNO(errno.EPERM)
    for name in _DENY:
        try:
            f.add_rule(deny, name)
        except (OSError, ValueError, RuntimeError):
            continue  # not a syscall on this architecture
    # clone: threads only where the device needs them; clone3 hides its flags in
    # memory a filter cannot read, so it answers ENOSYS and libc falls back to clone.
    if policy.threads:
        f.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
    else:
        f.add_rule(deny, "clone")
    f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    # prlimit64 reads limits (new limit NULL) but may not set them, nor touch another pid.
    f.add_rule(deny, "prlimit64", sc.Arg(2, sc.NE, 0))
    f.add_rule(deny, "prlimit64", sc.Arg(0, sc.NE, 0))
    # Signals: to itself only (abort, raise); never to another process.
    pid = os.getpid()
    f.add_rule(deny, "kill", sc.Arg(0, sc.NE, pid))
    f.add_rule(deny, "tgkill", sc.Arg(0, sc.NE, pid))
    f.add_rule(deny, "tkill")
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    f.load()
    return "on"


def rlimits(policy: Policy) -> str:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long write fails, not kills
    limits = {
        resource.RLIMIT_CPU: (policy.cpu_s, policy.cpu_s + 1),
        resource.RLIMIT_FSIZE: (policy.file_mb << 20, policy.file_mb << 20),
        resource.RLIMIT_NOFILE: (policy.open_files, policy.open_files),
        resource.RLIMIT_CORE: (0, 0),
    }
    if not policy.threads:  # it counts threads too, which CUDA's driver starts
        limits[resource.RLIMIT_NPROC] = (0, 0)  # not enforced for root; seccomp is
    for which, value in limits.items():
        try:
            resource.setrlimit(which, value)
        except (OSError, ValueError):
            continue
    return "on"


def package_dir() -> Path:
    """study's own package: in a wheel it holds the bundled katas and their solutions."""
    return Path(__file__).resolve().parent.parent


def study_installs() -> list[Path]:
    """Every `study` package on the import path and in site-packages: the one running, and
    any other copy (an editable install leaves the bundled content, solutions included,
    in site-packages/study/_bundled)."""
    import site

    places = list(sys.path)
    with contextlib.suppress(AttributeError):
        places += site.getsitepackages()
    with contextlib.suppress(AttributeError):
        places.append(site.getusersitepackages())
    found = {package_dir()}
    for place in places:
        candidate = Path(place or ".") / "study"
        if candidate.is_dir():
            found.add(candidate.resolve())
    return sorted(found)


def _inside(path: Path, root: Path) -> bool:
    # On the strings: `root in path.parents` made carving a check's paths out of ~570
    # roots take 20 ms. Both are absolute and normalised (resolved) here.
    p, r = str(path), str(root)
    return p == r or p.startswith(r if r.endswith("/") else r + "/")


def _carve(root: Path, hidden: list[Path]) -> list[Path]:
    """`root`, or where a hidden path lies beneath it, its other branches."""
    inner = [h for h in hidden if _inside(h, root)]
    if not inner:
        return [root]
    if any(h == root for h in inner):
        return []
    out: list[Path] = []
    try:
        children = sorted(root.iterdir())
    except OSError:
        return []
    for child in children:
        out += _carve(child, inner)
    return out


def read_roots(hidden: list[Path]) -> list[Path]:
    """What the sandbox may read: the interpreter's folders, the import path and the
    system's libraries, never the study home, the content or study's own package."""
    hidden = [h.resolve() for h in hidden]
    roots = [p for r in _base_roots() for p in _carve(r, hidden)]
    return [*roots, Path(f"/proc/{os.getpid()}")]


_BASE_ROOTS: dict[tuple[str, ...], list[Path]] = {}


def _base_roots() -> list[Path]:
    """The readable roots with every study package carved out. Listing the folders around
    those takes ~10 ms, so it is done once per import path and working folder: the sandbox
    host does it before its first fork, and each child only carves its check's own paths."""
    import site

    cwd = Path.cwd().resolve()
    key = (str(cwd), *sys.path)
    cached = _BASE_ROOTS.get(key)
    if cached is not None:
        return cached
    roots = {Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                               sys.base_exec_prefix)}
    with contextlib.suppress(AttributeError):
        roots.update(Path(p) for p in site.getsitepackages())
    for entry in sys.path:
        p = Path(entry or ".").resolve()
        # The current folder (often a repository with the katas) and any folder that holds
        # study itself (an editable install's source tree) stay closed.
        if p.is_dir() and p != cwd and not (p / "study" / "__init__.py").exists():
            roots.add(p)
    roots.update(Path(p) for p in ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/etc",
                                   "/sys/devices/system/cpu"))
    resolved = sorted({r.resolve() for r in roots if r.exists()})
    # Keep the outermost roots only, then carve study's packages out of them.
    outer = [r for r in resolved if not any(o != r and _inside(r, o) for o in resolved)]
    studies = [h.resolve() for h in study_installs()]
    _BASE_ROOTS[key] = base = [p for r in outer for p in _carve(r, studies)]
    return base


def device_files(kind: str) -> list[Path]:
    """Device files the sandbox may open: the harmless ones, and the GPU's for cuda."""
    files = [Path(p) for p in ("/dev/null", "/dev/zero", "/dev/full", "/dev/urandom",
                               "/dev/random")]
    if kind == "cuda":
        dev = Path("/dev")
        files += sorted(dev.glob("nvidia*")) + [dev / "dri", Path("/proc/driver/nvidia"),
                                                Path("/sys")]
    return files


def close_fds(keep: Iterable[int]) -> None:
    """Close every descriptor but these (and 0-2, which the caller re-points)."""
    keep_sorted = sorted(set(keep) | {0, 1, 2})
    low = 0
    for fd in keep_sorted:
        if fd > low:
            os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 20)


def die_with_parent() -> None:
    try:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        _prctl(PR_SET_DUMPABLE, 0)
    except (OSError, AttributeError):
        pass
