"""Banned operations, detected while the learner's code runs.

Two torch modes watch every call: a `TorchFunctionMode` sees the Python API
(functions, Tensor methods, `torch.ops.aten.*` overloads) and names what was
called; a `TorchDispatchMode` sees the aten kernels behind them, so an alias,
a `getattr`, a private wrapper or a module that reaches the same kernel is
caught too. Module bans catch any torch call made from inside a banned module
(`torch.optim`, a copied LSTM cell in `torch.ao`); the autograd ban catches
every route into the autograd engine.

Family bans are patterns matched against the name of every op, in any namespace
(`aten::_softmax`, `quantized_decomposed::quantize_per_tensor`, a custom op
registered after the kata was written), at both levels: a ban says "any softmax"
rather than listing the softmaxes torch has today.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import torch
import torch.utils._python_dispatch as python_dispatch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode


@dataclass(frozen=True)
class Ban:
    functions: tuple[str, ...] = ()  # dotted names: "torch.softmax", "torch.Tensor.softmax"
    aten: tuple[str, ...] = ()  # kernels: "aten::_softmax"
    modules: tuple[str, ...] = ()  # "torch.optim": any torch call made from its code
    autograd: bool = False  # the autograd engine, by any route
    reason: str = ""  # appended to the message: why it is banned here
    # Regular expressions searched in an op's name without its namespace and overload
    # (`_softmax` for `aten::_softmax.default`), for ops in every namespace, and in the
    # `__name__` of any other callable the torch-function level sees (`torch.softmax`).
    families: tuple[str, ...] = ()

    def bans_anything(self) -> bool:
        return bool(self.functions or self.aten or self.modules or self.autograd
                    or self.families)

    def because(self, reason: str) -> Ban:
        """The same ban with a kata's own explanation."""
        return dataclasses.replace(self, reason=reason)

    def __add__(self, other: Ban) -> Ban:
        """Both bans at once (the reason of the left one, unless it has none)."""
        return Ban(self.functions + other.functions, self.aten + other.aten,
                   self.modules + other.modules, self.autograd or other.autograd,
                   self.reason or other.reason, self.families + other.families)

    def pattern(self) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{f})" for f in self.families)) if self.families else None

    def in_family(self, name: str) -> bool:
        """Is the op (or function) with this name in one of the banned families?"""
        pattern = self.pattern()
        return bool(pattern and pattern.search(op_base(name)))


def op_base(name: str) -> str:
    """`aten::_softmax.default` -> `_softmax`: the name a family is matched against."""
    return name.split("::")[-1].split(".")[0]


class BannedCall(RuntimeError):
    """Raised inside the learner's code at the banned call."""


def _resolve(dotted: str) -> Any | None:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _module_paths(names: tuple[str, ...]) -> tuple[str, ...]:
    paths = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            continue
        if spec.submodule_search_locations:
            paths += [os.path.join(p, "") for p in spec.submodule_search_locations]
        elif spec.origin:
            paths.append(spec.origin)
    return tuple(paths)


def _op_name(func: Any) -> str | None:
    schema = getattr(func, "_schema", None)
    if schema is not None:
        return str(schema.name)
    qualified = getattr(func, "_qualified_op_name", None)
    return str(qualified) if qualified else None


def _describe(func: Any) -> str:
    op = _op_name(func)
    if op:
        return op
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)
    module = getattr(func, "__module__", None)
    if name.startswith(("TensorBase.", "Tensor.")):
        return "Tensor." + name.split(".", 1)[1]
    if name.startswith("_VariableFunctionsClass."):
        return "torch." + name.split(".", 1)[1]
    return f"{module}.{name}" if module and not name.startswith(module) else name


_NEW_OP = "an op registered after the check started"


@dataclass
class Violation:
    what: str  # the banned operation, named
    via: str  # how it was reached

    def message(self, reason: str = "") -> str:
        if self.via == _NEW_OP:
            return (f"the op {self.what} was registered after the check started "
                    "(torch.library): a solution may not define its own operators, whose "
                    "insides the checker cannot see; call torch's operations directly")
        if self.what == "tampering with the checker":
            return f"tampering with the checker ({self.via}): a solution may not switch it off"
        text = f"banned operation {self.what}"
        if self.via and self.via != self.what:
            text += f" (reached through {self.via})"
        return text + (f": {reason}" if reason else "")


class _Recorder:
    def __init__(self, ban: Ban) -> None:
        self.ban = ban
        self.functions = {id(o): name for name in ban.functions
                          if (o := _resolve(name)) is not None}
        self.aten = set(ban.aten)
        self.module_paths = _module_paths(ban.modules)
        self.violations: list[Violation] = []
        self.family = ban.pattern()
        self._known: dict[str, bool] = {}  # name -> banned, so each op is matched once
        # Functions and kernels already found allowed: what makes one banned depends on it
        # alone (module bans, which depend on the caller, are checked on every call).
        self.fn_ok: set[Any] = set()
        self.op_ok: set[Any] = set()
        # The frame that runs the guarded block (Guard.stop_at): the frames above it are the
        # caller's own, so the walk for module bans ends there. Each step of the walk reads
        # frame.f_code, an audited attribute, so a deep caller made every torch call slow.
        self.stop: FrameType | None = None

    def banned_op(self, name: str) -> bool:
        """An op (`ns::name`) or function name that is listed or in a banned family."""
        banned = self._known.get(name)
        if banned is None:
            banned = name in self.aten or bool(self.family and self.family.search(op_base(name)))
            self._known[name] = banned
        return banned

    def hit(self, what: str, via: str) -> None:
        self.violations.append(Violation(what, via))
        raise BannedCall(Violation(what, via).message(self.ban.reason))

    def check_op(self, op: str, via: str) -> None:
        """Refuse a banned op, and any op registered after the ops were frozen (one the
        solution defined with torch.library: its kernel runs where no guard looks)."""
        if self.banned_op(op):
            self.hit(op, via)
        if _KNOWN_OPS is not None and op.split(".")[0] not in _KNOWN_OPS:
            violation = Violation(op, _NEW_OP)
            self.violations.append(violation)
            raise BannedCall(violation.message())

    def banned_module_frame(self) -> str | None:
        if not self.module_paths:
            return None
        frame: FrameType | None = sys._getframe(2)
        stop = self.stop
        while frame is not None and frame is not stop:
            fname = frame.f_code.co_filename
            if fname.startswith(self.module_paths):
                return frame.f_globals.get("__name__", fname)
            frame = frame.f_back
        return None


class _FunctionGuard(TorchFunctionMode):
    def __init__(self, rec: _Recorder) -> None:
        super().__init__()
        self.rec = rec

    def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        rec = self.rec
        try:
            known = func in rec.fn_ok
        except TypeError:  # unhashable: checked every time
            known = False
        if not known:
            name = rec.functions.get(id(func))
            if name is not None:
                rec.hit(name, _describe(func))
            op = _op_name(func)
            if op is not None:
                rec.check_op(op, _describe(func))
            elif rec.family is not None:
                fname = getattr(func, "__name__", None)
                if isinstance(fname, str) and rec.banned_op(fname):
                    rec.hit(_describe(func), _describe(func))
            if rec.ban.autograd and func in _AUTOGRAD_ENTRIES:
                rec.hit("the autograd engine", _describe(func))
            with contextlib.suppress(TypeError):
                rec.fn_ok.add(func)
        module = rec.banned_module_frame()
        if module is not None:
            rec.hit(f"code from {module}", _describe(func))
        return func(*args, **(kwargs or {}))


class _NoDynamo(TorchDispatchMode):
    """A dispatch mode that does not wrap itself for torch.compile: compiling is banned in
    the sandbox anyway, and the wrapping imports torch._dynamo (two seconds at startup)."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        return False


class _DispatchGuard(_NoDynamo):
    def __init__(self, rec: _Recorder) -> None:
        super().__init__()
        self.rec = rec
        # Set by Guard.watch_memory: the guard measures what the ops make too (one mode
        # on the stack instead of two: each costs a few µs on every op).
        self.memory: MemoryReport | None = None

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        rec = self.rec
        if func not in rec.op_ok:
            rec.check_op(str(func._schema.name), f"the kernel {func}")
            rec.op_ok.add(func)
        if rec.ban.autograd and torch._C._current_graph_task_id() != -1:
            rec.hit("the autograd engine", f"{func} run by backward()")
        out = func(*args, **(kwargs or {}))
        if self.memory is not None:
            self.memory.saw(func, out)
        return out


_AUTOGRAD_ENTRIES: set[Any] = {
    torch.Tensor.backward, torch.autograd.grad, torch.autograd.backward,
}

_ORIGINALS = (_FunctionGuard.__torch_function__, _DispatchGuard.__torch_dispatch__)

# The ways to switch the guards off or go around them. Sealed in the sandbox:
# a call from outside torch (from the learner's code) is recorded as tampering.
_ESCAPES: tuple[tuple[str, str], ...] = (
    ("torch._C", "_pop_torch_function_stack"), ("torch._C", "_pop_torch_dispatch_stack"),
    ("torch._C", "_push_on_torch_function_stack"), ("torch._C", "_push_on_torch_dispatch_stack"),
    ("torch._C", "_set_torch_function_mode"), ("torch._C", "_set_dispatch_mode"),
    ("torch._C", "_unset_dispatch_mode"), ("torch._C", "DisableTorchFunction"),
    ("torch._C", "DisableTorchFunctionSubclass"), ("torch._C", "_DisableTorchDispatch"),
    ("torch._C", "_ExcludeDispatchKeyGuard"), ("torch._C", "_IncludeDispatchKeyGuard"),
    ("torch._C", "_ForceDispatchKeyGuard"), ("torch._C", "_RestorePythonTLSSnapshot"),
    ("torch._C", "_DisablePythonDispatcher"),
    ("torch._C", "_dispatch_tls_set_dispatch_key_excluded"),
    ("torch._C", "_dispatch_tls_set_dispatch_key_included"), ("torch._C", "_dispatch_call_boxed"),
    ("torch._C", "_dispatch_find_schema_or_throw"),
    ("torch.overrides", "_pop_mode"), ("torch.overrides", "_pop_mode_temporarily"),
    ("torch.utils._python_dispatch", "_pop_mode"),
    ("torch.utils._python_dispatch", "_pop_mode_temporarily"),
    ("torch.utils._python_dispatch", "_disable_current_modes"),
    ("torch._ops.OpOverload", "redispatch"), ("torch._ops.OpOverload", "decompose"),
    # The ways to the guard objects themselves (to rewrite what they ban).
    ("torch.overrides", "_get_current_function_mode_stack"),
    ("torch.overrides", "_get_current_function_mode"),
    ("torch.utils._python_dispatch", "_get_current_dispatch_mode_stack"),
    ("torch.utils._python_dispatch", "_get_current_dispatch_mode"),
    ("torch._C", "_get_function_stack_at"), ("torch._C", "_get_dispatch_stack_at"),
    ("torch._C", "_get_dispatch_mode"), ("torch._C", "_len_torch_function_stack"),
    ("torch._C", "_len_torch_dispatch_stack"),
)
_TAMPERING: list[str] = []
# Called at once with what was used (the sandbox reports it to the judge on the spot, so
# code that goes on to clear `_TAMPERING` cannot take it back).
on_tampering: list[Any] = []


def _trusted(filename: str) -> bool:
    return filename.startswith(_TRUSTED_DIRS) or filename.startswith("<frozen")


_TRUSTED_DIRS = (os.path.join(os.path.dirname(torch.__file__), ""),
                 os.path.join(os.path.dirname(os.path.abspath(__file__)), ""),
                 os.path.dirname(os.__file__))


def _seal_one(original: Any, name: str) -> Any:
    # The stand-in holds a slot, not the original: in the sandbox the originals live in
    # the audit hook alone (hide_originals), where no Python code can reach them.
    slot = len(_SWITCHES)
    _SWITCHES.append(original)

    def sealed(*args: Any, **kwargs: Any) -> Any:
        if not _trusted(sys._getframe(1).f_code.co_filename):
            _TAMPERING.append(name)
            for report in on_tampering:
                report(name)
        return _original(slot)(*args, **kwargs)

    sealed.__name__ = getattr(original, "__name__", name)
    _SEALED.add(id(sealed))
    return sealed


def _original(slot: int) -> Any:
    if _SWITCHES:
        return _SWITCHES[slot]
    box: list[Any] = []
    sys.audit(ORIGINAL_EVENT, slot, box)  # the hook answers a stand-in's call only
    if not box:
        raise RuntimeError("the guards' switches are sealed")
    return box[0]


ORIGINAL_EVENT = "study.kata.original"
_SWITCHES: list[Any] = []  # the switches' originals, by slot (until hide_originals)


def hide_originals() -> tuple[list[Any], Any, Any, set[int]]:
    """Hand the sealed switches' originals over and keep no reference to them here: (the
    originals by slot, the code of `_original` and of a stand-in, whose frames alone the
    audit hook answers, and the ids of the functions whose code must stay unread)."""
    originals = list(_SWITCHES)
    _SWITCHES.clear()
    _STAND_INS.clear()
    stand_in_code = next(c for c in _seal_one.__code__.co_consts
                         if isinstance(c, type(_seal_one.__code__)) and c.co_name == "sealed")
    return (originals, _original.__code__, stand_in_code,
            {*_SEALED, id(_seal_one), id(_original)})


# The ops registered before the learner's code runs (set by seal()); None: no such rule.
_KNOWN_OPS: frozenset[str] | None = None


def freeze_ops() -> None:
    """From now on, an op that was not registered yet is refused in every guard."""
    global _KNOWN_OPS
    names: list[str] = getattr(torch._C, "_dispatch_get_all_op_names", lambda: [])()
    _KNOWN_OPS = frozenset(n.split(".")[0] for n in names)


def seal(everywhere: bool = False) -> None:
    """Record every use of the guards' off switches by code outside torch, and freeze the
    set of registered ops (see freeze_ops).

    Each switch is replaced wherever torch's modules hold a reference to it, so an alias
    imported earlier does not slip past either. Incremental: the sandbox host seals
    `everywhere` once its imports are done (and again after settling), and each child
    seals the modules imported since (by a kata's drive) before the learner's code runs,
    which takes a millisecond instead of ten.
    """
    global _OPS_AT
    for owner_name, attr in _ESCAPES:
        owner = _resolve(owner_name)
        original = getattr(owner, attr, None) if owner is not None else None
        if original is None or id(original) in _SEALED:
            continue  # absent in this torch, or sealed already
        sealed = _seal_one(original, f"{owner_name}.{attr}")
        _STAND_INS[id(original)] = (original, sealed)  # the original kept: its id stays its
        setattr(owner, attr, sealed)
    fresh = [name for name in list(sys.modules)
             if (name == "torch" or name.startswith("torch.")) and (everywhere
                                                                   or name not in _SCANNED)]
    for mod_name in fresh:
        module = sys.modules.get(mod_name)
        _SCANNED.add(mod_name)
        namespace = getattr(module, "__dict__", None) if module is not None else None
        if not isinstance(namespace, dict):
            continue
        for key, value in list(namespace.items()):
            pair = _STAND_INS.get(id(value))
            if pair is not None and pair[0] is value:
                namespace[key] = pair[1]
    if _KNOWN_OPS is None or len(sys.modules) != _OPS_AT or everywhere:
        freeze_ops()
        _OPS_AT = len(sys.modules)


def sealed_already(ours: int = 0) -> bool:
    """Was everything sealed and frozen, with nothing imported since but `ours` modules of
    the sandbox's own (kata_drive)? Then a child need not seal again: a module imported
    after the switches were replaced on their owners gets the sealed ones anyway, and
    going through every module would copy their pages (a fork's copy-on-write: 10 ms)."""
    return _KNOWN_OPS is not None and len(sys.modules) == _OPS_AT + ours


# id(original switch) -> (the original, its sealed stand-in).
_STAND_INS: dict[int, tuple[Any, Any]] = {}
_SEALED: set[int] = set()  # ids of the stand-ins (kept alive where they were put)
_SCANNED: set[str] = set()  # torch modules whose references to the switches were replaced
_OPS_AT = -1  # len(sys.modules) when the ops were last frozen


def tampering() -> list[str]:
    """What was used to switch the guards off since the last call (and forget it)."""
    found = sorted(set(_TAMPERING))
    _TAMPERING.clear()
    return found


class Guard:
    """Watch a block of the learner's code for banned operations."""

    def __init__(self, ban: Ban, *, ops: bool = False) -> None:
        self.rec = _Recorder(ban)
        self._fmode = _FunctionGuard(self.rec)
        self._dmode = _DispatchGuard(self.rec)
        # A kata that bans nothing runs without the modes: they cost 5-8 µs per torch op
        # (most of a training loop's check) and would find nothing. `ops` keeps them on to
        # refuse new operators even so (where a MemoryWatch must see every allocation).
        # Tampering with the guards' switches is reported through the sealed switches.
        self.watching = ops or ban.bans_anything()

    @property
    def violations(self) -> list[Violation]:
        return self.rec.violations

    @contextlib.contextmanager
    def watch_memory(self) -> Iterator[MemoryReport]:
        """The largest tensor any op makes in this block, by the guard's own mode (or a
        MemoryWatch where the guard watches nothing)."""
        if not self.watching:
            with MemoryWatch() as watch:
                yield watch.report
            return
        report = MemoryReport()
        self._dmode.memory = report
        try:
            yield report
        finally:
            self._dmode.memory = None

    def stop_at(self, frame: FrameType) -> Guard:
        """The frame whose block this guard watches: code it runs is called from there, so
        the search for banned modules' code need not look further up."""
        self.rec.stop = frame
        return self

    def __enter__(self) -> Guard:
        if self.watching:
            self._fmode.__enter__()
            self._dmode.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.watching:
            self._report_tampering()
            return
        intact = (
            (_FunctionGuard.__torch_function__, _DispatchGuard.__torch_dispatch__) == _ORIGINALS
            # through the module (sealed): a name of our own would hold the original
            and self._dmode in python_dispatch._get_current_dispatch_mode_stack()
            and self._fmode in torch.overrides._get_current_function_mode_stack()
        )
        try:
            self._dmode.__exit__(None, None, None)
        finally:
            self._fmode.__exit__(None, None, None)
        if not intact:
            self.rec.violations.append(
                Violation("tampering with the checker", "its guards were removed or replaced"))
        self._report_tampering()

    def _report_tampering(self) -> None:
        for name in tampering():
            self.rec.violations.append(Violation("tampering with the checker", name))


@dataclass
class MemoryReport:
    largest: int = 0
    op: str = ""
    shapes: list[tuple[int, ...]] = field(default_factory=list)

    def saw(self, func: Any, out: Any) -> None:
        """An op's outputs (views included): the largest so far is kept."""
        for t in out if isinstance(out, tuple | list) else (out,):
            if isinstance(t, torch.Tensor) and t.numel() > self.largest:
                self.largest, self.op, self.shapes = t.numel(), str(func), [tuple(t.shape)]


class MemoryWatch(_NoDynamo):
    """The largest tensor any op creates while active (views included)."""

    def __init__(self) -> None:
        super().__init__()
        self.report = MemoryReport()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        out = func(*args, **(kwargs or {}))
        self.report.saw(func, out)
        return out
