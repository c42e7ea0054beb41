"""A kata check's result as the kata screen shows it: the one place that reads it.

The worker's answer is a dict today and becomes a typed, versioned object
(`study.kata.result.CheckResult`); `view_of` takes either, so only this
module changes when the shape does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CaseView:
    name: str
    passed: bool
    message: str = ""


@dataclass(frozen=True)
class CheckView:
    passed: bool
    label: str  # passed, failed, error, timeout, ...
    cases: list[CaseView] = field(default_factory=list)
    output: str = ""
    duration_s: float = 0.0
    device: str = ""
    usage_error: str = ""  # the request was wrong (not the learner's code)
    message: str = ""  # why a check broke, when no case says it

    def first_failure(self) -> int | None:
        return next((i for i, c in enumerate(self.cases) if not c.passed), None)


def view_of(result: Any) -> CheckView:
    if isinstance(result, dict):
        cases = [CaseView(str(t.get("name", "")), _case_passed(t), str(t.get("message", "")))
                 for t in result.get("tests", [])]
        passed = bool(result.get("passed"))
        label = "passed" if passed else str(result.get("label") or result.get("status", ""))
        usage = str(result.get("usage_error") or
                    (result.get("message", "") if result.get("reason") == "usage" else ""))
        return CheckView(passed, label, cases, str(result.get("output", "")),
                         float(result.get("duration_s", 0.0)), str(result.get("device", "")),
                         usage, str(result.get("message", "")))
    cases = [CaseView(t.name, bool(t.passed), t.message) for t in result.tests]
    return CheckView(bool(result.passed), str(getattr(result, "label", result.status)), cases,
                     result.output, float(result.duration_s), str(result.device),
                     str(getattr(result, "usage_error", "")), str(getattr(result, "message", "")))


def _case_passed(test: dict[str, Any]) -> bool:
    if "passed" in test:
        return bool(test["passed"])
    return test.get("status") == "pass"
