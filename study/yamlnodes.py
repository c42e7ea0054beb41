"""YAML parsing that keeps positions, so every problem can name file:line:col.

We compose the YAML into nodes (with libyaml when available) and validate the
node tree directly, instead of converting to dicts first and losing where each
value came from.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from study.models import Problem

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class Reporter:
    """Collects problems for one file; validation never stops at the first."""

    def __init__(self, path: Path, sink: list[Problem]) -> None:
        self.path = path
        self.sink = sink

    def at(self, node: yaml.Node | None, message: str) -> None:
        if node is None:
            self.sink.append(Problem(str(self.path), 1, 1, message))
        else:
            mark = node.start_mark
            self.sink.append(Problem(str(self.path), mark.line + 1, mark.column + 1, message))

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1


def compose_file(path: Path, report: Reporter) -> yaml.Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        report.sink.append(Problem(str(path), 1, 1, f"not UTF-8 text: {exc.reason}"))
        return None
    except OSError as exc:
        report.sink.append(Problem(str(path), 1, 1, f"cannot read: {exc.strerror}"))
        return None
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        report.sink.append(Problem(str(path), line, col, f"invalid YAML: {what}"))
        return None
    except yaml.YAMLError as exc:
        report.sink.append(Problem(str(path), 1, 1, f"invalid YAML: {exc}"))
        return None


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return {
        STR: "text",
        INT: "a whole number",
        FLOAT: "a number",
        BOOL: "true/false",
        NULL: "nothing (null)",
    }.get(node.tag, "a scalar")


def mapping_items(
    node: yaml.Node, report: Reporter, what: str
) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
    """A mapping's entries by key, reporting non-mappings and duplicate keys."""
    if not isinstance(node, yaml.MappingNode):
        report.at(node, f"{what} must be a mapping, got {describe(node)}")
        return None
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            report.at(key_node, f"{what}: keys must be plain names")
            continue
        key = key_node.value
        if key in out:
            report.at(key_node, f"{what}: duplicate key {key!r}")
            continue
        out[key] = (key_node, value_node)
    return out


def check_keys(
    items: dict[str, tuple[yaml.Node, yaml.Node]],
    allowed: set[str] | frozenset[str],
    required: set[str] | frozenset[str],
    report: Reporter,
    where: yaml.Node,
    what: str,
) -> None:
    for key, (key_node, _) in items.items():
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            report.at(key_node, f"unknown key {key!r} in {what}{hint}")
    for key in sorted(required):
        if key not in items:
            report.at(where, f"{what} is missing required key {key!r}")


# --- scalar readers: each returns the value or None after reporting ---------


def read_text(node: yaml.Node, report: Reporter, what: str) -> str | None:
    """Text; numbers are accepted as their literal text (e.g. `back: 768`)."""
    if isinstance(node, yaml.ScalarNode) and node.tag in (STR, INT, FLOAT):
        if not node.value.strip():
            report.at(node, f"{what} must not be empty")
            return None
        return node.value
    report.at(node, f"{what} must be text, got {describe(node)}")
    return None


def read_id(node: yaml.Node, report: Reporter, what: str) -> str | None:
    value = read_text(node, report, what)
    if value is None:
        return None
    if not ID_RE.match(value):
        report.at(
            node,
            f"{what} {value!r} is not a valid id (lower-case letters, digits, '-', '_', '.')",
        )
        return None
    return value


def read_int(node: yaml.Node, report: Reporter, what: str, lo: int, hi: int) -> int | None:
    if isinstance(node, yaml.ScalarNode) and node.tag == INT:
        value = int(yaml.safe_load(node.value))
        if lo <= value <= hi:
            return value
        report.at(node, f"{what} must be between {lo} and {hi}, got {value}")
        return None
    report.at(node, f"{what} must be a whole number, got {describe(node)}")
    return None


def read_number(node: yaml.Node, report: Reporter, what: str, lo: float) -> float | None:
    if isinstance(node, yaml.ScalarNode) and node.tag in (INT, FLOAT):
        value = float(yaml.safe_load(node.value))
        if value >= lo:
            return value
        report.at(node, f"{what} must be at least {lo}, got {value}")
        return None
    report.at(node, f"{what} must be a number, got {describe(node)}")
    return None


def read_list(
    node: yaml.Node,
    report: Reporter,
    what: str,
    read_one: Callable[[yaml.Node, Reporter, str], Any],
    min_len: int = 0,
    max_len: int | None = None,
) -> list[Any] | None:
    if not isinstance(node, yaml.SequenceNode):
        report.at(node, f"{what} must be a list, got {describe(node)}")
        return None
    n = len(node.value)
    if n < min_len or (max_len is not None and n > max_len):
        bound = f"{min_len}-{max_len}" if max_len is not None else f"at least {min_len}"
        report.at(node, f"{what} must have {bound} entries, got {n}")
    out = []
    ok = True
    for i, child in enumerate(node.value):
        value = read_one(child, report, f"{what}[{i}]")
        if value is None:
            ok = False
        else:
            out.append(value)
    return out if ok else None
