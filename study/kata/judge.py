"""The judge: builds the cases and the float64 reference, runs the solution in a
forked sandbox, and decides. It never runs the learner's code itself, so
monkeypatching torch, printing a fake result or exiting early cannot make a
wrong solution pass."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import os
import select
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from study.kata import sandbox
from study.kata.compare import compare_outputs, compare_tensor, describe_key, float_dtype_of
from study.kata.protocol import decode_tensors, read_frame
from study.kata.toolkit import Case, Variant, flatten

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MEMORY_MB = 2048


@dataclass
class CheckRequest:
    kata: str
    folder: str
    function: str
    signature: str
    solution: str
    device: str = "cpu"  # cpu, cuda or auto
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckRequest:
        return cls(**data)


@dataclass
class TestResult:
    name: str
    passed: bool
    message: str = ""


@dataclass
class CheckResult:
    kata: str
    status: str  # passed, failed, error, timeout, oom
    device: str
    duration_s: float = 0.0
    tests: list[TestResult] = field(default_factory=list)
    output: str = ""  # what the solution printed
    usage_error: str = ""  # a problem with the request itself: exit 2

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kata": self.kata, "passed": self.passed, "status": self.status,
            "device": self.device, "duration_s": round(self.duration_s, 3),
            "tests": [dataclasses.asdict(t) for t in self.tests],
            "output": self.output, "usage_error": self.usage_error,
        }


def cuda_available() -> bool:
    # NVML answers without creating a CUDA context, so the worker can still fork.
    os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")
    return torch.cuda.is_available()


def load_check(folder: Path) -> Any:
    path = folder / "check.py"
    spec = importlib.util.spec_from_file_location(f"study_check_{folder.name.replace('-', '_')}",
                                                  path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


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
        return TestResult(case.name, False, f"{where}: {text}" if where else text)

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
    return TestResult(case.name, True, "")


def _exit_description(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        return {"SIGSEGV": "crashed (segmentation fault)", "SIGKILL": "was killed",
                "SIGABRT": "aborted"}.get(name, f"was ended by {name}")
    return f"exited with status {os.WEXITSTATUS(status)}"


def run_check(req: CheckRequest) -> CheckResult:
    t0 = time.monotonic()
    device = req.device
    if device == "auto":
        device = "cuda" if cuda_available() else "cpu"
    result = CheckResult(req.kata, "failed", device)
    if device == "cuda" and not cuda_available():
        result.status = "error"
        result.usage_error = "no CUDA device is available here: use --device cpu"
        return result
    solution = Path(req.solution).resolve()
    try:
        source = solution.read_text(encoding="utf-8")
        compile(source, str(solution), "exec")
    except SyntaxError as exc:
        result.tests.append(TestResult("load solution", False, sandbox.learner_traceback(
            exc, solution) if exc.filename != str(solution) else
            f'  File "{solution.name}", line {exc.lineno}\n    {(exc.text or "").rstrip()}\n'
            f"SyntaxError: {exc.msg}"))
        result.duration_s = time.monotonic() - t0
        return result
    torch.set_num_threads(1)
    try:
        check = load_check(Path(req.folder))
        cases = list(check.cases())
        wants = [expected(check, c, i) for i, c in enumerate(cases)]
    except Exception:  # noqa: BLE001 - a broken checker is our bug, not the learner's
        import traceback

        result.status = "error"
        result.tests.append(TestResult("checker", False, "the checker itself failed (a bug in "
                                       f"study, please report it):\n{traceback.format_exc()}"))
        return result
    _sandboxed(req, solution, device, check, cases, wants, result)
    result.duration_s = time.monotonic() - t0
    return result


def _sandboxed(req: CheckRequest, solution: Path, device: str, check: Any, cases: list[Case],
               wants: list[dict[str, Any]], result: CheckResult) -> None:
    rfd, wfd = os.pipe()
    out = tempfile.NamedTemporaryFile(prefix="study-kata-", suffix=".out", delete=False)  # noqa: SIM115
    out.close()
    out_path = Path(out.name)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the sandbox
        os.close(rfd)
        sandbox.run(wfd, solution, req.function, req.signature, cases, check, device,
                    req.memory_mb, out_path)
    os.close(wfd)
    deadline = time.monotonic() + req.timeout_s
    current: int | None = None
    done = False
    fatal: dict[str, Any] | None = None
    timed_out = False
    seen: set[int] = set()
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([rfd], [], [], left)
            if not ready:
                continue
            frame = read_frame(rfd)
            if frame is None:
                break
            try:
                msg = decode_tensors(frame)
            except Exception:  # noqa: BLE001 - anything unreadable is a failure
                fatal = {"kind": "error", "message": "the solution's process sent an unreadable "
                         "message"}
                break
            kind = msg.get("type") if isinstance(msg, dict) else None
            if kind == "start":
                current = int(msg["i"])
            elif kind == "result":
                i = int(msg["i"])
                if i in seen or not 0 <= i < len(cases):
                    continue
                seen.add(i)
                if msg.get("oom"):
                    fatal = {"kind": "oom", "message": msg.get("error") or ""}
                    current = i
                    break
                result.tests.append(judge_case(check, cases[i], wants[i], msg, device))
                current = None
            elif kind == "fatal":
                fatal = msg
                break
            elif kind == "done":
                done = True
                break
    finally:
        os.close(rfd)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)  # the sandbox's group: anything it started
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)  # in case it died before making its group
        _, status = os.waitpid(pid, 0)
        try:
            result.output = out_path.read_text(errors="replace")[-4000:]
        finally:
            out_path.unlink(missing_ok=True)

    name = cases[current].name if current is not None and current < len(cases) else None
    if timed_out:
        result.status = "timeout"
        result.tests.append(TestResult(name or "time limit", False,
                                       f"your code did not finish within {req.timeout_s:g} s "
                                       f"(an infinite loop?); it was stopped"))
    elif fatal is not None:
        kind = fatal.get("kind")
        message = str(fatal.get("message", ""))
        if kind == "usage":
            result.status = "error"
            result.usage_error = message
        elif kind == "oom":
            result.status = "oom"
            result.tests.append(TestResult(name or "load solution", False,
                                           f"your code ran out of memory (the limit is "
                                           f"{req.memory_mb} MB)\n{message}".rstrip()))
        elif kind == "import":
            result.tests.append(TestResult("load solution", False,
                                           "importing your solution failed:\n" + message))
        else:
            result.status = "error"
            result.tests.append(TestResult(name or "sandbox", False, message))
    elif not done:
        what = _exit_description(status)
        result.tests.append(TestResult(name or "run", False,
                                       f"your code's process {what}"
                                       + (" during this case" if name else "")
                                       + "; no result was reported"))
    missing = [c.name for i, c in enumerate(cases) if i not in seen]
    if result.status == "failed":
        if not missing and all(t.passed for t in result.tests) and done:
            result.status = "passed"
        elif missing and not any(not t.passed for t in result.tests):
            result.tests.append(TestResult(missing[0], False, "not run"))


def warm_up() -> None:
    """Pay the one-time costs before any fork: torch modes import torch._dynamo on first
    use (about 2 s), so a warm worker does it once and every forked check starts hot."""
    from study.kata.bans import Ban, Guard, MemoryWatch, seal

    torch.set_num_threads(1)
    x = torch.ones(2, 2)
    with Guard(Ban(aten=("aten::_softmax",))), MemoryWatch():
        (x @ x).exp().sum()
    seal()
