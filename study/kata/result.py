"""A kata check's result: one typed, versioned object shared by the judge, the CLI,
the app and `katas.py`. No torch here: the client side imports it.

`study kata check --json` prints `CheckResult.to_dict()`; the format is documented
in docs/katas.md. Like Exercism's results.json it has a `version`, a top-level
`status` (pass, fail or error) and one entry per test; `reason` says why a
failed or broken check ended the way it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RESULT_VERSION = 1

PASS, FAIL, ERROR = "pass", "fail", "error"
# Why a check failed or broke, beyond wrong answers (`reason`):
REASONS = (
    "",  # the cases decided it
    "timeout",  # the solution ran past the kata's time limit
    "oom",  # the solution ran out of memory
    "disk",  # the solution wrote more than its temporary-space cap
    "crash",  # the solution's process died (a signal, an exit)
    "import",  # the solution could not be imported (syntax, an exception at import)
    "usage",  # the request itself is wrong (no such function, wrong signature): exit 2
    "checker",  # a bug in the kata's checker: never the learner's fault
    "judge",  # the judge or the worker failed or died
    "unavailable",  # the device asked for is not here
)


@dataclass
class TestResult:
    name: str
    status: str  # pass, fail or error
    message: str = ""
    output: str = ""  # what the solution printed during this test, when known

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "message": self.message,
                "output": self.output}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TestResult:
        return cls(str(data["name"]), str(data["status"]), str(data.get("message", "")),
                   str(data.get("output", "")))


@dataclass
class CheckResult:
    kata: str
    status: str = FAIL  # pass, fail or error
    reason: str = ""  # one of REASONS
    message: str = ""  # for error (and usage): what went wrong, one paragraph
    device: str = "cpu"
    duration_s: float = 0.0
    tests: list[TestResult] = field(default_factory=list)
    output: str = ""  # the tail of what the solution printed
    # How the solution was confined: each protection and whether it held here
    # ("on", or why not). Never silent: a missing protection is named.
    sandbox: dict[str, str] = field(default_factory=dict)
    version: int = RESULT_VERSION

    @property
    def passed(self) -> bool:
        return self.status == PASS

    @property
    def usage_error(self) -> str:
        """A problem with the request itself (exit 2), else ''."""
        return self.message if self.reason == "usage" else ""

    def fail(self, name: str, message: str) -> None:
        self.tests.append(TestResult(name, FAIL, message))

    def first_failure(self) -> TestResult | None:
        return next((t for t in self.tests if not t.passed), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version, "kata": self.kata, "status": self.status,
            "passed": self.passed, "reason": self.reason, "message": self.message,
            "device": self.device,
            "duration_s": round(self.duration_s, 3),
            "tests": [t.to_dict() for t in self.tests], "output": self.output,
            "sandbox": dict(self.sandbox),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        version = int(data.get("version", 0))
        if version != RESULT_VERSION:
            raise ValueError(f"kata result version {version}, expected {RESULT_VERSION}")
        return cls(
            kata=str(data["kata"]), status=str(data["status"]), reason=str(data.get("reason", "")),
            message=str(data.get("message", "")), device=str(data.get("device", "")),
            duration_s=float(data.get("duration_s", 0.0)),
            tests=[TestResult.from_dict(t) for t in data.get("tests", [])],
            output=str(data.get("output", "")),
            sandbox={str(k): str(v) for k, v in dict(data.get("sandbox", {})).items()},
            version=version,
        )

    @property
    def label(self) -> str:
        """The attempts table's word: passed, failed, error, timeout or oom."""
        if self.passed:
            return "passed"
        if self.reason in ("timeout", "oom"):
            return self.reason
        return "error" if self.status == ERROR else "failed"
