"""An interview drill in progress: katas, one clock, what happened to each.

A model, not a screen: the drill screen runs it and the kata screen records
into it, so neither screen imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Drill:
    kata_ids: list[str]
    deadline: float  # time.monotonic()
    minutes: int
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    backups: dict[str, str] = field(default_factory=dict)  # kata -> the saved work set aside
    stopped: bool = False  # the learner left the drill (q)
