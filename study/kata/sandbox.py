"""The sandbox: a forked child that imports the learner's solution and runs the cases.

It only produces outputs (sent as tensors to the judge); everything it reports
about correctness is re-checked by the judge, so nothing the solution does in
here can make a wrong answer pass. It runs in its own process group (killed as
a whole on timeout), with an address-space cap on CPU, single-threaded.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import inspect
import os
import re
import resource
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from study.kata.bans import Ban, BannedCall, Guard, MemoryWatch, seal
from study.kata.protocol import encode_tensors, write_frame
from study.kata.toolkit import Case, default_drive

SOLUTION_MODULE = "solution"


def learner_traceback(exc: BaseException, solution: Path) -> str:
    """The traceback with only the learner's frames; framework frames collapsed."""
    frames = traceback.extract_tb(exc.__traceback__)
    lines = ["Traceback (most recent call last):"]
    hidden = 0
    for fr in frames:
        if Path(fr.filename) == solution:
            if hidden:
                lines.append(f"  ... {hidden} frame(s) in torch or the checker")
                hidden = 0
            lines.append(f'  File "{solution.name}", line {fr.lineno}, in {fr.name}')
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
    want = contract_params(signature)
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    got = [p.name for p in positional]
    extra_required = [p.name for p in positional[len(want):] if p.default is p.empty]
    if got[: len(want)] != want or extra_required:
        return (f"{name}{sig} has the wrong signature: expected {signature} "
                f"(parameters {', '.join(want)}, in that order)")
    return None


def _forbid(*_: Any, **__: Any) -> Any:
    raise RuntimeError("a kata runs in one thread of one process: threads and subprocesses "
                       "are not available to a solution")


def _no_compilers(*_: Any, **__: Any) -> Any:
    raise RuntimeError("torch.jit and torch.compile are not available to a kata solution: "
                       "compiled code hides its operations from the checker")


def _lock_down() -> None:
    """No threads or processes (torch modes are per thread, and a child escapes them),
    and no TorchScript or torch.compile (compiled code is invisible to the guards)."""
    import _thread
    import subprocess
    import threading

    for owner, names in ((torch.jit, ("script", "trace", "trace_module", "load", "compile")),
                         (torch, ("compile",))):
        for name in names:
            if hasattr(owner, name):
                setattr(owner, name, _no_compilers)
    threading.Thread.start = _forbid  # type: ignore[method-assign]
    _thread.start_new_thread = _forbid  # type: ignore[assignment]
    for name in ("fork", "forkpty", "system", "posix_spawn", "posix_spawnp", "execv", "execve"):
        if hasattr(os, name):
            setattr(os, name, _forbid)
    subprocess.Popen.__init__ = _forbid  # type: ignore[method-assign]


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


def run(
    fd: int,
    solution: Path,
    function: str,
    signature: str,
    cases: list[Case],
    check_module: Any,
    device: str,
    memory_mb: int,
    output_path: Path,
) -> None:
    """Never returns: the child exits with os._exit."""
    code = 0
    try:
        os.setsid()
        out = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
        _serve(fd, solution, function, signature, cases, check_module, device, memory_mb)
    except BaseException:  # noqa: BLE001 - report, then leave
        with contextlib.suppress(OSError):
            write_frame(fd, encode_tensors({"type": "fatal", "kind": "error",
                                            "message": traceback.format_exc()}))
        code = 3
    finally:
        os._exit(code)


def _send(fd: int, msg: dict[str, Any]) -> None:
    write_frame(fd, encode_tensors(msg))


def _serve(fd: int, solution: Path, function: str, signature: str, cases: list[Case],
           check_module: Any, device_name: str, memory_mb: int) -> None:
    torch.set_num_threads(1)
    device = torch.device(device_name)
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
    ban: Ban = getattr(check_module, "BAN", Ban())
    drive = getattr(check_module, "drive", default_drive)

    seal()  # before the learner's code runs, so it cannot keep the unsealed switches
    _lock_down()
    spec = importlib.util.spec_from_file_location(SOLUTION_MODULE, solution)
    try:
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[SOLUTION_MODULE] = module
        spec.loader.exec_module(module)
    except BaseException as exc:  # noqa: BLE001 - the learner's import may raise anything
        kind = "oom" if _is_oom(exc) else "import"
        _send(fd, {"type": "fatal", "kind": kind, "message": learner_traceback(exc, solution)})
        return
    fn = getattr(module, function, None)
    if fn is None or not callable(fn):
        _send(fd, {"type": "fatal", "kind": "usage",
                   "message": f"{solution.name} does not define a function {function}()"})
        return
    problem = signature_problem(fn, function, signature)
    if problem:
        _send(fd, {"type": "fatal", "kind": "usage", "message": problem})
        return
    memory: list[Any] = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        with MemoryWatch() as mw:
            result = fn(*args, **kwargs)
        memory.append(mw.report)
        return result

    for i, case in enumerate(cases):
        _send(fd, {"type": "start", "i": i})
        args = {k: _to_device(v, device) for k, v in case.args.items()}
        inputs = _storages(args)
        error = None
        oom = False
        memory.clear()
        guard = Guard(ban)
        outputs: dict[str, Any] = {}
        try:
            with guard:
                outputs = drive(watched if case.max_elems else fn, args, case)
        except BannedCall:
            pass  # recorded by the guard
        except BaseException as exc:  # noqa: BLE001
            oom = _is_oom(exc)
            error = learner_traceback(exc, solution)
        meta: dict[str, Any] = {}
        sendable: dict[str, Any] = {}
        for key, value in outputs.items():
            if isinstance(value, torch.Tensor):
                ptr = value.untyped_storage().data_ptr() if value.numel() else None
                meta[key] = {"device": str(value.device), "alias": inputs.get(ptr, "")
                             if not key.startswith("after.") else ""}
                sendable[key] = value.detach().to("cpu").clone()
            elif isinstance(value, bool | int | float | str) or value is None:
                sendable[key] = value
            else:
                sendable[key] = repr(value)
        after = {k: v.detach().to("cpu") for k, v in args.items() if isinstance(v, torch.Tensor)}
        largest = max(memory, key=lambda r: r.largest) if memory else None
        _send(fd, {
            "type": "result", "i": i, "outputs": sendable, "meta": meta, "after": after,
            "violations": [v.message(ban.reason) for v in guard.violations],
            "error": error, "oom": oom,
            "memory": [largest.largest, largest.op, list(largest.shapes[0])] if largest else None,
        })
        if oom:
            return
    _send(fd, {"type": "done"})
