"""The sandbox child: runs the learner's code on the inputs the judge sends, and
returns the outputs. Nothing else.

It is forked from the sandbox host (`study.kata.host`), a process that imported
torch and this module and nothing of the judge, so there is no answer, checker,
reference solution or secret anywhere in its memory. Before the learner's code
is imported it: closes every descriptor but its channel and its output file,
confines itself with Landlock, seccomp and rlimits (`confine`), installs audit
hooks (`audit`), and caps its memory. The judge re-checks everything it sends, so
nothing in here can make a wrong answer pass.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]
import ast
import contextlib
import dataclasses
import gc
import inspect
import linecache
import os
import re
import resource
import signal
import socket
import sys
import traceback
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import torch

from study.kata import audit, bans, confine
from study.kata.bans import (
    Ban,
    BannedCall,
    Guard,
    seal,
    sealed_already,
    tampering,
)
from study.kata.protocol import decode_tensors, encode_tensors, recv_frame, send_frame
from study.kata.toolkit import Case, default_drive

SOLUTION_MODULE = "solution"


def learner_traceback(exc: BaseException, solution: Path | str) -> str:
    """The traceback with only the learner's frames; framework frames collapsed."""
    solution = str(solution)
    display = Path(solution).name
    frames = traceback.extract_tb(exc.__traceback__)
    lines = ["Traceback (most recent call last):"]
    hidden = 0
    for fr in frames:
        if fr.filename == solution:
            if hidden:
                lines.append(f"  ... {hidden} frame(s) in torch or the checker")
                hidden = 0
            lines.append(f'  File "{display}", line {fr.lineno}, in {fr.name}')
            if fr.line:
                lines.append(f"    {fr.line}")
        else:
            hidden += 1
    if hidden:
        lines.append(f"  ... {hidden} frame(s) in torch or the checker")
    lines += [ln.rstrip("\n") for ln in traceback.format_exception_only(type(exc), exc)]
    return "\n".join(lines)


def contract_params(signature: str) -> list[str]:
    """Parameter names of a contract signature like 'f(x: Tensor, dim: int = -1) -> Tensor'.

    Shape annotations (`Tensor[4H, I]`, `tuple[Tensor[..., Tq, dv], ...]`) are not always
    Python, so bracketed parts are dropped before parsing: only the names matter here.
    """
    while True:
        stripped = re.sub(r"\[[^\[\]]*\]", "", signature)
        if stripped == signature:
            break
        signature = stripped
    tree = ast.parse(f"def {signature}:\n    pass\n")
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    return [a.arg for a in fn.args.posonlyargs + fn.args.args]


def signature_problem(fn: Callable[..., Any], name: str, signature: str) -> str | None:
    """None if `fn` can be called positionally as the contract says.

    The judge passes arguments by position, so the parameters' names are the
    learner's own choice; their number and order are the contract.
    """
    want = contract_params(signature)
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    extra_required = [p.name for p in positional[len(want):] if p.default is p.empty]
    kw_required = [p.name for p in params if p.kind == p.KEYWORD_ONLY and p.default is p.empty]
    if len(positional) < len(want) or extra_required or kw_required:
        return (f"{name}{sig} has the wrong signature: expected {signature} "
                f"({len(want)} positional parameter(s): {', '.join(want)}, in that order)")
    return None


def _forbid(*_: Any, **__: Any) -> Any:
    raise RuntimeError("a kata runs in one thread of one process: threads and subprocesses "
                       "are not available to a solution")


def _no_handlers(*_: Any, **__: Any) -> Any:
    raise RuntimeError("signal handlers are not available to a kata solution")


def _no_compilers(*_: Any, **__: Any) -> Any:
    raise RuntimeError("torch.jit and torch.compile are not available to a kata solution: "
                       "compiled code hides its operations from the checker")


def _lock_down() -> None:
    """No threads or processes from Python (the kernel refuses them too), and no
    TorchScript or torch.compile (compiled code is invisible to the guards)."""
    import _thread
    import subprocess
    import threading

    for owner, names in ((torch.jit, ("script", "trace", "trace_module", "load", "compile")),
                         (torch, ("compile",))):
        for name in names:
            if hasattr(owner, name):
                setattr(owner, name, _no_compilers)
    threading.Thread.start = _forbid  # type: ignore[method-assign]
    _thread.start_new_thread = _forbid
    for name in ("fork", "forkpty", "system", "posix_spawn", "posix_spawnp", "execv", "execve"):
        if hasattr(os, name):
            setattr(os, name, _forbid)
    subprocess.Popen.__init__ = _forbid  # type: ignore[method-assign]
    # TorchScript's name resolution reads its callers' frames (TorchScript is off anyway).
    for name in ("createResolutionCallbackFromFrame", "createResolutionCallbackFromEnv",
                 "createResolutionCallbackForClassMethods"):
        if hasattr(torch._jit_internal, name):
            setattr(torch._jit_internal, name, _no_compilers)


def _cap_memory(limit_mb: int) -> None:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
        cap = current + limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (OSError, ValueError):
        pass


def _is_oom(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    text = str(exc)
    return isinstance(exc, RuntimeError) and (
        "can't allocate memory" in text or "out of memory" in text.lower())


def _to_device(value: Any, device: torch.device) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone().to(device)
    if isinstance(value, list):
        return [_to_device(v, device) for v in value]
    if isinstance(value, tuple):
        return tuple(_to_device(v, device) for v in value)
    return value


def _storages(values: Any) -> dict[int, str]:
    out = {}
    for name, v in values.items():
        if isinstance(v, torch.Tensor) and v.numel():
            out[v.untyped_storage().data_ptr()] = name
    return out


# -- the job: what the judge sends ----------------------------------------------------------

def case_to_wire(case: Case) -> dict[str, Any]:
    """A case as plain data and tensors: inputs only, never a tolerance or an answer."""
    return {"name": case.name, "args": case.args, "grad": list(case.grad),
            "mutable": list(case.mutable), "max_elems": case.max_elems, "extra": case.extra,
            "upstream": case.upstream}


def case_from_wire(data: dict[str, Any]) -> Case:
    return Case(str(data["name"]), dict(data["args"]), grad=tuple(data["grad"]),
                mutable=tuple(data["mutable"]), max_elems=data["max_elems"],
                extra=dict(data["extra"]), upstream=dict(data["upstream"]))


def ban_to_wire(ban: Ban) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(ban).items()}


def ban_from_wire(data: dict[str, Any]) -> Ban:
    names = {f.name for f in dataclasses.fields(Ban)}
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in data.items() if k in names}
    return Ban(**fields)


# -- the child -------------------------------------------------------------------------------

def child_main(chan: socket.socket, out_fd: int, tmp: Path) -> None:
    """Run in the forked child; never returns (the child leaves with os._exit)."""
    code = 0
    try:
        os.setsid()
        confine.die_with_parent()
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        confine.close_fds([chan.fileno()])
        sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
        _serve(chan, tmp)
    except BaseException:  # noqa: BLE001 - report, then leave
        with contextlib.suppress(OSError):
            send_frame(chan, encode_tensors({"type": "fatal", "kind": "error",
                                             "message": traceback.format_exc()}))
        code = 3
    finally:
        os._exit(code)


def _send(chan: socket.socket, msg: dict[str, Any]) -> None:
    send_frame(chan, encode_tensors(msg))


def _setup_device(device: torch.device, memory_mb: int) -> None:
    if device.type == "cuda":
        # TF32 would make correct float32 code miss float32 tolerances.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.set_float32_matmul_precision("highest")
        torch.cuda.init()
        # RLIMIT_AS would break CUDA (it reserves huge virtual ranges); cap the
        # caching allocator instead, so a runaway allocation is an OOM, not a hog.
        total = torch.cuda.get_device_properties(device).total_memory
        torch.cuda.set_per_process_memory_fraction(min(1.0, memory_mb * 2**20 / total), device)
    else:
        _cap_memory(memory_mb)


def _serve(chan: socket.socket, tmp: Path) -> None:
    frame = recv_frame(chan)
    if frame is None:
        return  # the judge went away before sending the job
    job = decode_tensors(frame)
    torch.set_num_threads(1)
    device = torch.device(job["device"])
    _setup_device(device, int(job["memory_mb"]))
    ban = ban_from_wire(job["ban"])
    filename = str(job["filename"])
    source = str(job["solution"])

    # Everything the learner's code could need from the judge's side is loaded now.
    drive: Callable[..., Any] = default_drive
    if job.get("drive"):
        drive_module = types.ModuleType("kata_drive")
        drive_module.__file__ = audit.DRIVE_FILE
        sys.modules["kata_drive"] = drive_module
        exec(compile(job["drive"], audit.DRIVE_FILE, "exec"), drive_module.__dict__)  # noqa: S102
        drive = drive_module.drive
    if not sealed_already(ours=1 if job.get("drive") else 0):
        seal()  # before the learner's code runs, so it cannot keep the unsealed switches
    tampering()  # nothing the host recorded is this check's
    Guard(ban)  # resolves (imports) every banned name while the imports are still ours
    # A guard switched off is told to the judge at once, out of turn: the check fails.
    bans.on_tampering.append(lambda what: _send(chan, {"type": "tamper", "what": what}))

    _lock_down()
    report = confine_self(job, tmp, device)
    # A signal handler is handed the interrupted frame, and from it the sandbox's own.
    _signal.signal = _no_handlers
    _send(chan, {"type": "ready", "sandbox": report})

    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    # study's own modules leave the import table: what they hold stays in use through our
    # references, but `import study.kata.bans` now needs the package's files, which the
    # sandbox cannot read.
    for name in [n for n in sys.modules if n == "study" or n.startswith("study.")]:
        del sys.modules[name]
    # The host's `__main__` is the worker's module (`-m study.kata.worker`): its functions'
    # globals lead back to study's modules. The learner's code sees an empty one.
    sys.modules["__main__"] = types.ModuleType("__main__")
    module = types.ModuleType(SOLUTION_MODULE)
    module.__file__ = filename
    sys.modules[SOLUTION_MODULE] = module
    # From here on, the learner's code runs only inside a guard: signals wait, the
    # garbage collector (finalizers) runs only where we call it, and tracing is cleared
    # before each guard ends, so no learner code runs where a ban is not watching.
    gc.disable()
    gc.freeze()  # what is here now is ours: each collection looks at the learner's objects only
    signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    guard = Guard(ban).stop_at(sys._getframe())
    try:
        with _guarded(guard):
            code = compile(source, filename, "exec")
            exec(code, module.__dict__)  # noqa: S102 - the learner's solution, confined
    except BannedCall:
        pass
    except BaseException as exc:  # noqa: BLE001 - the learner's import may raise anything
        kind = "oom" if _is_oom(exc) else "import"
        _send(chan, {"type": "fatal", "kind": kind, "message": learner_traceback(exc, filename)})
        return
    if guard.violations:
        _send(chan, {"type": "fatal", "kind": "import", "message": "at import: "
                     + guard.violations[0].message(ban.reason)})
        return
    function = str(job["function"])
    fn = module.__dict__.get(function)
    if fn is None or not callable(fn):
        _send(chan, {"type": "fatal", "kind": "usage",
                     "message": f"{Path(filename).name} does not define a function {function}()"})
        return
    problem = signature_problem(fn, function, str(job["signature"]))
    if problem:
        _send(chan, {"type": "fatal", "kind": "usage", "message": problem})
        return
    _run_cases(chan, fn, drive, ban, device, filename)


def confine_self(job: dict[str, Any], tmp: Path, device: torch.device) -> dict[str, str]:
    """Apply every protection this system offers; say which held."""
    hidden = [Path(p) for p in job["hidden"]] + confine.study_installs()
    policy = confine.Policy(
        read=confine.read_roots(hidden), write=[tmp],
        devices=confine.device_files(device.type), threads=device.type == "cuda",
        cpu_s=int(job["cpu_s"]), file_mb=int(job["file_mb"]))
    os.environ.clear()
    os.environ.update({"TMPDIR": str(tmp), "HOME": str(tmp), "PATH": "/usr/bin:/bin",
                       "LANG": "C.UTF-8"})
    import tempfile

    tempfile.tempdir = str(tmp)  # the host may have cached /tmp (torch._dynamo asks for it)
    os.chdir(tmp)
    report = {"process": PROCESS, "descriptors": "closed"}
    for name, layer in (("rlimits", confine.rlimits), ("landlock", confine.landlock),
                        ("seccomp", confine.seccomp)):
        try:
            report[name] = layer(policy)
        except Exception as exc:  # noqa: BLE001 - a layer that fails is reported, not hidden
            report[name] = f"failed ({exc.__class__.__name__}: {exc})"
    audit.install(writable=[tmp], hidden=hidden, sealed=bans.hide_originals())
    report["audit hooks"] = "on"
    return report


PROCESS = "fresh interpreter (no judge memory)"  # set by the host: how it was made
_SIGNALS = set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP}


@contextlib.contextmanager
def _guarded(guard: Guard) -> Iterator[None]:
    """Learner code runs here: signals delivered, and everything it left behind (tracers,
    finalizers, pending signals) run or cleared before the guard ends."""
    with guard:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
            sys.settrace(None)
            sys.setprofile(None)
            frame: types.FrameType | None = sys._getframe()
            while frame is not None:
                frame.f_trace = None
                frame = frame.f_back
            gc.collect()
            gc.disable()


def _run_cases(chan: socket.socket, fn: Callable[..., Any], drive: Callable[..., Any],
               ban: Ban, device: torch.device, filename: str) -> None:
    memory: list[Any] = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        with guard.watch_memory() as report:  # this case's guard (set below, per case)
            result = fn(*args, **kwargs)
        memory.append(report)
        return result

    i = -1
    while True:
        frame = recv_frame(chan)
        if frame is None:
            return
        msg = decode_tensors(frame)
        if msg.get("end"):
            break
        i += 1
        case = case_from_wire(msg["case"])
        _send(chan, {"type": "start", "i": i})
        args = {k: _to_device(v, device) for k, v in case.args.items()}
        case.upstream = {k: v.to(device) for k, v in case.upstream.items()}
        inputs = _storages(args)
        error = None
        oom = False
        memory.clear()
        # A memory-watched case keeps the guard on: an operator of the solution's own would
        # allocate where the MemoryWatch cannot see.
        guard = Guard(ban, ops=bool(case.max_elems)).stop_at(sys._getframe())
        meta: dict[str, Any] = {}
        sendable: dict[str, Any] = {}
        after: dict[str, Any] = {}
        try:
            with _guarded(guard):
                outputs = drive(watched if case.max_elems else fn, args, case)
                # Made plain here, inside the guard: a learner's tensor subclass or
                # __repr__ runs watched too.
                for key, value in (outputs.items() if isinstance(outputs, dict) else ()):
                    if isinstance(value, torch.Tensor):
                        ptr = value.untyped_storage().data_ptr() if value.numel() else -1
                        meta[key] = {"device": str(value.device), "alias": inputs.get(ptr, "")
                                     if not key.startswith("after.") else ""}
                        sendable[key] = torch.Tensor(value.detach().to("cpu")).clone()
                    elif type(value) in (bool, int, float, str) or value is None:
                        sendable[key] = value
                    else:
                        sendable[key] = repr(value)
                after = {k: torch.Tensor(v.detach().to("cpu")).clone() for k, v in args.items()
                         if isinstance(v, torch.Tensor)}
                del outputs
        except BannedCall:
            pass  # recorded by the guard
        except BaseException as exc:  # noqa: BLE001
            oom = _is_oom(exc)
            error = learner_traceback(exc, filename)
        largest = max(memory, key=lambda r: r.largest) if memory else None
        _send(chan, {
            "type": "result", "i": i, "outputs": sendable, "meta": meta, "after": after,
            "violations": [v.message(ban.reason) for v in guard.violations],
            "error": error, "oom": oom,
            "memory": [largest.largest, largest.op, list(largest.shapes[0]) if largest.shapes
                       else []] if largest else None,
        })
        if oom:
            return
    _send(chan, {"type": "done"})
