"""The judge: builds the cases and the float64 references, has the solution run in
a sandbox, and decides.

It holds the checker and the answers and never runs the learner's code: the
sandbox is a child of the sandbox host (a process that never saw a checker),
and it only ever receives inputs and returns outputs, which are decoded without
running code (`protocol.decode_tensors`) and compared here. Monkeypatching
torch, printing a fake result, exiting early or writing to the channel cannot
make a wrong solution pass.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from study.kata.bans import Ban
from study.kata.compare import compare_outputs, compare_tensor, describe_key, float_dtype_of
from study.kata.host import HostError, Sandbox
from study.kata.protocol import decode_tensors, encode_tensors, recv_frame, send_frame
from study.kata.result import ERROR, FAIL, PASS, CheckResult, TestResult
from study.kata.sandbox import ban_to_wire, case_to_wire
from study.kata.toolkit import Case, Tol, Variant, flatten

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MEMORY_MB = 2048
DISK_MB = 64  # the sandbox's temporary folder, and any one file it writes
MARGIN_S = 5.0  # beyond the kata's limit: starting, sending, reporting


@dataclass
class CheckRequest:
    kata: str
    folder: str
    function: str
    signature: str
    solution: str  # the path, for messages
    source: str  # the code to check: read once by the client, recorded as the attempt
    device: str = "cpu"  # cpu, cuda or auto
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB
    hidden: list[str] = field(default_factory=list)  # paths the sandbox may not see

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckRequest:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def cuda_available() -> bool:
    # NVML answers without creating a CUDA context, so the worker can still fork.
    os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")
    return torch.cuda.is_available()


class CheckerError(Exception):
    """The kata's checker is broken: a bug in study, never the learner's fault."""


def load_check(folder: Path) -> Any:
    path = folder / "check.py"
    spec = importlib.util.spec_from_file_location(f"study_check_{folder.name.replace('-', '_')}",
                                                  path)
    if spec is None or spec.loader is None:
        raise CheckerError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    if hasattr(module, "drive"):
        raise CheckerError("check.py defines drive(): it belongs in drive.py, which the sandbox "
                           "runs (check.py holds the answers and never reaches the sandbox)")
    return module


def load_drive(folder: Path) -> str | None:
    """The source of the kata's `drive.py` (how to call the solution), or None. It runs in
    the sandbox, so it lives apart from check.py and holds no answers."""
    path = folder / "drive.py"
    return path.read_text(encoding="utf-8") if path.exists() else None


def _as64(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone().double() if value.is_floating_point() else value.clone()
    if isinstance(value, list):
        return [_as64(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_as64(v) for v in value)
    return value


def expected(check: Any, case: Case, index: int) -> dict[str, Any]:
    """The float64 reference outputs, with gradients and in-place results as the case asks."""
    case64 = dataclasses.replace(case, args={k: _as64(v) for k, v in case.args.items()})
    for name in case.grad:
        case64.args[name].requires_grad_(True)
    want = flatten(check.reference(case64))
    if case.grad:
        gen = torch.Generator().manual_seed(1000 + index)
        keys = [k for k, v in want.items() if isinstance(v, torch.Tensor) and v.requires_grad]
        ups = {k: torch.randn(want[k].shape, generator=gen, dtype=torch.float64) for k in keys}
        case.upstream = {k: u.to(float_dtype_of(case)) for k, u in ups.items()}
        leaves = [case64.args[n] for n in case.grad]
        grads = torch.autograd.grad([want[k] for k in keys], leaves,
                                    [case.upstream[k].double() for k in keys], allow_unused=True)
        for name, g in zip(case.grad, grads, strict=True):
            want[f"grad.{name}"] = g if g is not None else torch.zeros_like(case64.args[name])
    for name in case.mutable:
        want[f"after.{name}"] = case64.args[name]
    return {k: (v.detach() if isinstance(v, torch.Tensor) else v) for k, v in want.items()}


def _variant_match(variant: Variant, case: Case, got: dict[str, Any],
                   want: dict[str, Any]) -> bool:
    """Does the learner's output match this known mistake (and is it a mistake here)?"""
    case64 = dataclasses.replace(case, args={k: _as64(v) for k, v in case.args.items()})
    try:
        computed = variant.compute(case64)
    except Exception:  # noqa: BLE001 - a variant that cannot be computed does not match
        return False
    # A dict keyed like the judge's own ("out", "after.param", "grad.x") is taken as is,
    # so a variant can speak of in-place results and gradients too.
    flat_keys = isinstance(computed, dict) and all(
        isinstance(k, str) and k.split(".")[0] in ("out", "after", "grad") for k in computed)
    wrong = computed if flat_keys else flatten(computed)
    fdt = float_dtype_of(case)
    evidence = False  # the mistake differs from the right answer somewhere it is a number
    for key in variant.keys:
        w, g = wrong.get(key), got.get(key)
        if not isinstance(w, torch.Tensor) or not isinstance(g, torch.Tensor):
            return False
        w = w.detach()
        if w.shape == g.shape and not torch.equal(torch.isnan(w), torch.isnan(g)):
            return False  # NaN where the learner has numbers (or the reverse) is no match
        if compare_tensor(key, g, w, case.tol, fdt) is not None:
            return False
        right = want.get(key)
        if not (isinstance(right, torch.Tensor) and right.shape == w.shape):
            evidence = True
            continue
        # Only positions where neither is NaN count: a mistake that merely overflows to NaN
        # would otherwise match any NaN-producing code and name the wrong mistake.
        both = ~torch.isnan(w) & ~torch.isnan(right)
        if bool(both.any()) and compare_tensor(key, w[both], right[both], case.tol,
                                               w.dtype) is not None:
            evidence = True
    # A mistake that gives the right answer on this case cannot be what went wrong.
    return evidence


def judge_case(check: Any, case: Case, want: dict[str, Any], msg: dict[str, Any],
               device: str) -> TestResult:
    where = f"with {case.shapes()}" if case.shapes() else ""

    def fail(text: str) -> TestResult:
        return TestResult(case.name, FAIL, f"{where}: {text}" if where else text)

    if msg["violations"]:
        more = len(msg["violations"]) - 1
        return fail(msg["violations"][0] + (f" (and {more} more)" if more else ""))
    if msg["error"]:
        return fail("your code raised an exception:\n" + msg["error"])
    got = msg["outputs"]
    for key, meta in msg["meta"].items():
        if key in want and meta["device"] != device and not (
                device == "cuda" and meta["device"].startswith("cuda")):
            return fail(f"{describe_key(key)} is on {meta['device']}, expected {device}: create "
                        f"new tensors on the input's device (device=x.device)")
        if meta["alias"] and key.startswith("out"):
            return fail(f"{describe_key(key)} shares memory with the input {meta['alias']!r}: "
                        f"return a new tensor, not the input or a view of it")
    for name, original in case.args.items():
        if not isinstance(original, torch.Tensor) or name in case.mutable:
            continue
        after = msg["after"].get(name)
        if after is not None and not torch.equal(after.to(original.dtype), original) and not (
                original.is_floating_point() and torch.isnan(original).any()
                and torch.allclose(after, original, equal_nan=True)):
            return fail(f"your code modified its input {name!r} in place; the contract does not "
                        f"allow it (work on a copy)")
    problems = compare_outputs(case, got, want)
    if problems:
        for variant in getattr(check, "VARIANTS", ()):
            if _variant_match(variant, case, got, want):
                return fail(f"{variant.message} ({problems[0]})")
        diagnose = getattr(check, "diagnose", None)
        hint = diagnose(case, got, want) if diagnose else None
        return fail(problems[0] + (f". {hint}" if hint else ""))
    extra = getattr(check, "check", None)
    if extra is not None:
        more_problems = extra(case, got, want)
        if more_problems:
            return fail(more_problems[0])
    if case.max_elems and msg.get("memory"):
        largest, op, shape = msg["memory"]
        sizes = [v.numel() for v in case.args.values() if isinstance(v, torch.Tensor)]
        sizes += [v.numel() for v in want.values() if isinstance(v, torch.Tensor)]
        if largest >= case.max_elems and largest > max(sizes, default=0):
            return fail(f"your code created a tensor of {largest} elements (shape {shape}, by "
                        f"{op}); the limit is under {case.max_elems}: work in blocks instead of "
                        f"materialising the whole score matrix")
    return TestResult(case.name, PASS, "")


def _exit_description(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        return {"SIGSEGV": "crashed (segmentation fault)", "SIGKILL": "was killed",
                "SIGABRT": "aborted", "SIGXCPU": "used up its CPU time",
                "SIGBUS": "crashed (bus error)"}.get(name, f"was ended by {name}")
    return f"exited with status {os.WEXITSTATUS(status)}"


@dataclass
class Prepared:
    """A kata's checker, cases and float64 references: what a check needs before the
    learner's code may run. Deterministic (the toolkit's inputs are seeded), so the worker
    keeps it between checks of the same checker files (see `fingerprint`)."""

    check: Any
    cases: list[Case]
    wants: list[dict[str, Any]]
    drive: str | None


def fingerprint(req: CheckRequest) -> tuple[Any, ...] | None:
    """What a Prepared depends on: the kata folder's files (names, sizes, times) and the
    device; None when the folder cannot be read (then nothing is kept)."""
    folder = Path(req.folder)
    try:
        files = sorted((str(f.relative_to(folder)), st.st_size, st.st_mtime_ns)
                       for f in folder.rglob("*") if "__pycache__" not in f.parts
                       and (st := f.stat()) and f.is_file())
    except OSError:
        return None
    return (str(folder.resolve()), req.device, tuple(files))


def prepare(req: CheckRequest) -> Prepared:
    """Load the checker, build the cases and their references: before any case reaches
    the sandbox. A checker that fails or yields no case is an error, never a pass."""
    check, drive = _load(req)
    cases, wants = _build(check)
    return Prepared(check, cases, wants, drive)


def _load(req: CheckRequest) -> tuple[Any, str | None]:
    folder = Path(req.folder)
    return _checker_call(lambda: (load_check(folder), load_drive(folder)))


def _build(check: Any) -> tuple[list[Case], list[dict[str, Any]]]:
    def build() -> tuple[list[Case], list[dict[str, Any]]]:
        cases = list(check.cases())
        if not cases:
            raise CheckerError("the checker yields no cases")
        return cases, [expected(check, c, i) for i, c in enumerate(cases)]

    return _checker_call(build)


def _checker_call(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except CheckerError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken checker is our bug, not the learner's
        import traceback

        raise CheckerError(traceback.format_exc()) from exc


def run_check(req: CheckRequest, spawn: Callable[[float, int], Sandbox],
              prepared: Prepared | None = None) -> CheckResult:
    """Check `req.source`; `spawn(deadline_s, disk_mb)` gives a fresh sandbox. `prepared`:
    the checker and references already built for this kata (by the worker), if any."""
    t0 = time.monotonic()
    device = req.device
    if device == "auto":
        device = "cuda" if cuda_available() else "cpu"
    result = CheckResult(req.kata, FAIL, device=device)
    if device == "cuda" and not cuda_available():
        result.status, result.reason = ERROR, "unavailable"
        result.message = "no CUDA device is available here: use --device cpu"
        return result
    try:
        compile(req.source, req.solution, "exec")
    except SyntaxError as exc:
        result.reason = "import"
        result.fail("load solution", f'  File "{Path(req.solution).name}", line {exc.lineno}\n'
                    f"    {(exc.text or '').rstrip()}\nSyntaxError: {exc.msg}")
        result.duration_s = time.monotonic() - t0
        return result
    torch.set_num_threads(1)

    def checker_failed(exc: CheckerError) -> CheckResult:
        detail = str(exc).strip()
        result.status, result.reason = ERROR, "checker"
        result.message = ("the kata's checker failed (a bug in study, please report it): "
                          + (detail.splitlines()[-1] if detail else "no detail"))
        result.fail("checker", f"{result.message}\n{detail}")
        return result

    try:
        check, drive = (prepared.check, prepared.drive) if prepared else _load(req)
    except CheckerError as exc:
        return checker_failed(exc)
    ban: Ban = getattr(check, "BAN", Ban())
    hidden = [*req.hidden, req.folder, str(Path(req.solution).resolve())]
    # The code runs under a name no file can have: wherever the learner's file lies (even in
    # torch's own folder), its frames never pass for torch's or study's.
    job = {"solution": req.source, "filename": f"<kata>/{Path(req.solution).name}",
           "function": req.function,
           "signature": req.signature, "drive": drive, "ban": ban_to_wire(ban),
           "device": device, "memory_mb": req.memory_mb, "hidden": hidden,
           "cpu_s": int(req.timeout_s) + 2, "file_mb": DISK_MB}
    try:
        box = spawn(req.timeout_s + MARGIN_S, DISK_MB)
    except HostError as exc:
        result.status, result.reason = ERROR, "judge"
        result.message = f"could not start the sandbox: {exc}"
        return result
    # The sandbox confines itself and loads the solution while the references are built
    # here: no case (and nothing of the checker's) reaches it before they are. A sandbox
    # already gone is reported by the conversation below.
    with contextlib.suppress(OSError):
        send_frame(box.chan, encode_tensors(job))
    try:
        cases, wants = (prepared.cases, prepared.wants) if prepared else _build(check)
    except CheckerError as exc:
        box.kill()
        box.close()
        return checker_failed(exc)
    _converse(box, job, req, check, cases, wants, result)
    result.duration_s = time.monotonic() - t0
    return result


def _converse(box: Sandbox, job: dict[str, Any], req: CheckRequest, check: Any,
              cases: list[Case], wants: list[dict[str, Any]], result: CheckResult) -> None:
    """Send the cases one at a time, each only after the previous result.

    The child may speak only in turn: `ready` once, then for each case sent `start`
    and `result` with that case's index, then `done` after the end. Anything else (a
    duplicate, a result for a case not yet sent, an early `done`) is the learner's
    code writing on the channel, and fails the check.
    """
    device = result.device
    current: int | None = None
    done = False
    fatal: dict[str, Any] | None = None
    timed_out = False
    seen: set[int] = set()
    deadline = time.monotonic() + req.timeout_s + 1.0  # +1: the child's own setup

    def receive() -> dict[str, Any] | None:
        nonlocal timed_out
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            return None
        ready, _, _ = select.select([box.chan], [], [], left)
        if not ready:
            timed_out = True
            return None
        box.chan.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            frame = recv_frame(box.chan)
        except TimeoutError:
            timed_out = True
            return None
        if frame is None:
            return None
        try:
            msg = decode_tensors(frame)
        except Exception:  # noqa: BLE001 - anything unreadable is a failure
            return {"type": "fatal", "kind": "error",
                    "message": "the solution's process sent an unreadable message"}
        return msg if isinstance(msg, dict) else {"type": "?"}

    def tampered(what: str) -> dict[str, Any]:
        return {"type": "fatal", "kind": "tamper",
                "message": f"tampering with the checker: {what} on the judge's channel"}

    try:
        msg = receive()  # the job went before the references were built (run_check)
        if msg is not None and msg.get("type") == "ready":
            if isinstance(msg.get("sandbox"), dict):
                result.sandbox = {str(k): str(v) for k, v in msg["sandbox"].items()}
            msg = None
        if msg is not None:
            fatal = msg if msg.get("type") == "fatal" else tampered("a message before ready")
        cases_wire = [case_to_wire(c) for c in cases]
        if cases_wire:
            send_frame(box.chan, encode_tensors({"case": cases_wire[0]}))
        for i in range(len(cases_wire)):
            if fatal is not None or timed_out:
                break
            current = i
            msg = receive()
            if msg is not None and msg.get("type") == "start" and msg.get("i") == i:
                msg = receive()
            if msg is None:
                break
            kind = msg.get("type")
            if kind == "fatal":
                fatal = msg
            elif kind == "tamper":
                fatal = {"type": "fatal", "kind": "tamper", "message": (
                    f"tampering with the checker: your code called {msg.get('what')}, a way to "
                    f"reach or switch off the checker's guards; a solution may not")}
            elif kind != "result" or msg.get("i") != i:
                fatal = tampered(f"an unexpected {kind!r} message")
            elif msg.get("oom"):
                fatal = {"kind": "oom", "message": msg.get("error") or ""}
            else:
                seen.add(i)
                # The next case goes out before this one is judged: the child computes
                # while we compare (it still never has a case before reporting the last).
                if i + 1 < len(cases_wire):
                    send_frame(box.chan, encode_tensors({"case": cases_wire[i + 1]}))
                result.tests.append(judge_case(check, cases[i], wants[i], msg, device))
                current = None
        if fatal is None and not timed_out and len(seen) == len(cases):
            send_frame(box.chan, encode_tensors({"end": True}))
            msg = receive()
            if msg is not None and msg.get("type") == "done":
                done = True
            elif msg is not None:
                fatal = msg if msg.get("type") == "fatal" else tampered(
                    f"an unexpected {msg.get('type')!r} message")
    except (OSError, ValueError):
        pass  # the channel broke: judged below from what arrived and how the child ended
    finally:
        end = box.end()
    result.output = str(end.get("output", ""))
    status = end.get("status")
    killed = str(end.get("killed", ""))
    _verdict(req, result, cases, seen, current, done, fatal,
             timed_out or killed == "timeout", killed == "disk",
             int(status) if isinstance(status, int) else None)


def _verdict(req: CheckRequest, result: CheckResult, cases: list[Case], seen: set[int],
             current: int | None, done: bool, fatal: dict[str, Any] | None, timed_out: bool,
             disk: bool, status: int | None) -> None:
    name = cases[current].name if current is not None and current < len(cases) else None
    if disk:
        result.reason = "disk"
        result.fail(name or "disk", f"your code wrote more than {DISK_MB} MB to disk; it was "
                    f"stopped")
    elif timed_out:
        result.reason = "timeout"
        result.fail(name or "time limit", f"your code did not finish within {req.timeout_s:g} s "
                    f"(an infinite loop?); it was stopped")
    elif fatal is not None:
        kind = fatal.get("kind")
        message = str(fatal.get("message", ""))
        if kind == "usage":
            result.status, result.reason, result.message = ERROR, "usage", message
        elif kind == "oom":
            result.reason = "oom"
            result.fail(name or "load solution", f"your code ran out of memory (the limit is "
                        f"{req.memory_mb} MB)\n{message}".rstrip())
        elif kind == "import":
            result.reason = "import"
            result.fail("load solution", "importing your solution failed:\n" + message)
        elif kind == "tamper":
            result.fail(name or "channel", message)
        else:
            result.status, result.reason = ERROR, "judge"
            result.message = message
            result.fail(name or "sandbox", message)
    elif not done:
        result.reason = "crash"
        what = _exit_description(status) if status is not None else "ended"
        result.fail(name or "run", f"your code's process {what}"
                    + (" during this case" if name else "") + "; no result was reported")
    missing = [c.name for i, c in enumerate(cases) if i not in seen]
    if result.status == FAIL:
        if not missing and done and result.tests and all(t.passed for t in result.tests):
            result.status = PASS
        elif missing and all(t.passed for t in result.tests):
            result.fail(missing[0], "not run")


def warm_up() -> None:
    """Pay the judge's one-time costs (comparisons, variants) before the first check."""
    torch.set_num_threads(1)
    x = torch.ones(2, 2, dtype=torch.float64)
    compare_tensor("out", x.float(), x, Tol(), torch.float32)
