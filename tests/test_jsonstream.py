"""The streaming JSON reader gives what json.loads gives, and errors say where."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.jsonstream import JsonProblem, JsonStream

values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
              st.floats(allow_nan=False, allow_infinity=False),
              st.text(max_size=8) | st.sampled_from(["},", "}, {", "]", "\"},"])),
    lambda c: st.lists(c, max_size=5) | st.dictionaries(st.text(max_size=4), c, max_size=4),
    max_leaves=20)


def walk(js: JsonStream, batch: int) -> Any:
    kind = js.peek()
    if kind == "{":
        return {key: walk(js, batch) for key in js.object()}
    if kind == "[":
        return [v for _, v in js.items(batch=batch)] if batch else \
            [walk(js, batch) for _ in js.array()]
    return js.value()


@settings(max_examples=300, deadline=None)
@given(doc=values, indent=st.sampled_from([None, 1, 2]), chunk=st.sampled_from([1, 3, 64, 4096]),
       batch=st.sampled_from([0, 4, 32, 1 << 20]))
def test_reads_what_json_loads_reads(doc: Any, indent: int | None, chunk: int, batch: int) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=False).encode()
    js = JsonStream(io.BytesIO(text), chunk=chunk)
    assert walk(js, batch) == json.loads(text)
    js.end()


@pytest.mark.parametrize(("text", "where"), [
    (b'{"r": [{"a":1}, {"a":2},, {"a":3}]}', "1:25: not JSON"),
    (b'{"r":\n [1,\n  2 x]}', "3:4: not JSON: expected ',' or ']'"),
    (b'{"a": "\xe9"}', "not UTF-8 text (byte 7)"),
    (b'[' * 100_000, "nested too deeply"),
    (b'{"a": 1} x', "1:10: not JSON: extra data"),
])
@pytest.mark.parametrize("chunk", [2, 4096])
def test_errors_say_where(text: bytes, where: str, chunk: int) -> None:
    js = JsonStream(io.BytesIO(text), chunk=chunk)
    with pytest.raises(JsonProblem) as err:
        walk(js, 8)
        js.end()
    assert where in str(err.value)


@pytest.mark.parametrize("value", ["123456789012345678901234567890", "-9223372036854775809",
                                   "18446744073709551616", "NaN", "-Infinity", '"\\ud800"',
                                   "1e400", "0.1"])
def test_batches_read_every_value_as_json_does(value: str) -> None:
    """Batches are decoded by orjson, which reads some values otherwise (or not at all):
    those still come out exactly as the standard library reads them."""
    text = ("[" + ", ".join(f'{{"a": {i}, "b": {value if i == 37 else 1}}}' for i in range(80))
            + "]").encode()
    js = JsonStream(io.BytesIO(text))
    got = [v for _, v in js.items(batch=1 << 20)]
    want = json.loads(text)
    assert repr(got) == repr(want)  # repr: NaN != NaN, and 1e30 == int(1e30) is no proof
    assert type(got[37]["b"]) is type(want[37]["b"])
