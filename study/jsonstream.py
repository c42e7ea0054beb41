"""Read a large JSON document without holding it: objects and arrays are walked here, each
small value is parsed by the standard library's C decoder.

`study import json` streams a million-row export through this in constant memory.
Every problem is a `JsonProblem` with the line and column, never a traceback.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import IO, Any

import orjson

_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")
_WS = re.compile(r"[ \t\n\r]*")
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
_NEXT = re.compile(r"[ \t\n\r]*([,\]}])")


class JsonProblem(ValueError):
    """Not JSON, not UTF-8, too deep or too large; `line` and `column` say where."""

    def __init__(self, message: str, at: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line, self.column = at or (0, 0)

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}" if self.line else self.message


class JsonStream:
    def __init__(self, fh: IO[bytes], max_value: int = 64 << 20, chunk: int = 4 << 20) -> None:
        self.fh = fh
        self.max_value = max_value
        self.chunk = chunk
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # newlines in the text already dropped from the buffer
        self.tail = 0  # characters of the current line already dropped from the buffer
        self.bytes_read = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._json = json.JSONDecoder()

    # -- the buffer -----------------------------------------------------------------

    def at(self, pos: int | None = None) -> tuple[int, int]:
        """(line, column) of a buffer position, 1-based."""
        pos = self.pos if pos is None else pos
        newline = self.buf.rfind("\n", 0, pos)
        column = pos - newline if newline >= 0 else self.tail + pos + 1
        return self.lines_before + self.buf.count("\n", 0, pos) + 1, column

    def where(self, pos: int | None = None) -> str:
        line, column = self.at(pos)
        return f"line {line}, column {column}"

    def _fill(self, want: int | None = None) -> bool:
        """Read more text; False at the end of the input."""
        if self.eof:
            return False
        raw = self.fh.read(want or self.chunk)
        if self.pos > 0:  # drop what was read already
            newline = self.buf.rfind("\n", 0, self.pos)
            self.tail = self.pos - newline - 1 if newline >= 0 else self.tail + self.pos
            self.lines_before += self.buf.count("\n", 0, self.pos)
            self.buf = self.buf[self.pos:]
            self.pos = 0
        pending = len(self._decoder.getstate()[0])  # bytes of a character cut by a chunk
        try:
            text = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            at = self.bytes_read - pending + exc.start
            raise JsonProblem(f"not UTF-8 text (byte {at:,})", self.at(len(self.buf))) from None
        self.bytes_read += len(raw)
        if not raw:
            self.eof = True
        self.buf += text
        return bool(raw) or bool(text)

    def _skip_ws(self) -> None:
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf) or not self._fill():
                return

    def peek(self) -> str:
        self._skip_ws()
        return self.buf[self.pos] if self.pos < len(self.buf) else ""

    def _closed(self, bracket: str) -> bool:
        """Past the ',' after an element (False) or the closing `bracket` (True)."""
        m = self._expect(_NEXT, f"',' or '{bracket}'")
        if m.group(1) == bracket:
            self.pos = m.end()
            return True
        if m.group(1) != ",":
            raise JsonProblem(f"not JSON: expected ',' or '{bracket}'", self.at(m.start(1)))
        self.pos = m.end()
        return False

    def _opened_empty_array(self) -> bool:
        """Past the '[' of an array; True if it was empty (and is read whole)."""
        if self.peek() != "[":
            raise JsonProblem("expected an array", self.at())
        self.pos += 1
        if self.peek() == "]":
            self.pos += 1
            return True
        return False

    def _expect(self, pattern: re.Pattern[str], what: str) -> re.Match[str]:
        while True:
            m = pattern.match(self.buf, self.pos)
            if m and m.end() < len(self.buf):
                return m
            if not self._fill():  # the end: match again (the buffer may have moved)
                m = pattern.match(self.buf, self.pos)
                if m:
                    return m
                raise JsonProblem(f"not JSON: expected {what}", self.at())

    # -- values ------------------------------------------------------------------------

    def value(self) -> Any:
        """One complete value (parsed by the C decoder)."""
        self._skip_ws()
        want = self.chunk
        while True:
            try:
                obj, end = self._json.raw_decode(self.buf, self.pos)
                # A number cut by the buffer's end ("15" of "1500.5") parses too: a number
                # needs text after it (or the end of the input) to be whole.
                number = isinstance(obj, int | float) and not isinstance(obj, bool)
                if self.eof or not number or len(self.buf) - end > 64:
                    self.pos = end
                    return obj
            except json.JSONDecodeError as exc:
                if self.eof:
                    raise JsonProblem(f"not JSON: {exc.msg}", self.at(exc.pos)) from None
            except RecursionError:
                raise JsonProblem("nested too deeply", self.at()) from None
            if len(self.buf) - self.pos > self.max_value:
                raise JsonProblem(f"a value larger than {self.max_value >> 20} MB", self.at())
            self._fill(want)
            want *= 2

    def skip(self) -> None:
        """Consume a value of any size without building it."""
        kind = self.peek()
        if kind == "{":
            for _ in self.object():
                self.skip()
        elif kind == "[":
            for _ in self.array():
                self.skip()
        else:
            self.value()

    def object(self) -> Iterator[str]:
        """The keys of an object; the caller consumes each key's value before the next."""
        if self.peek() != "{":
            raise JsonProblem("expected an object", self.at())
        self.pos += 1
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                raise JsonProblem("not JSON: expected a key", self.at())
            key = self.value()
            self.pos = self._expect(_COLON, "':'").end()
            yield key
            if self._closed("}"):
                return

    def array(self) -> Iterator[int]:
        """The indexes of an array; the caller consumes each element before the next."""
        if self._opened_empty_array():
            return
        i = 0
        while True:
            yield i
            i += 1
            if self._closed("]"):
                return

    def items(self, batch: int = 1 << 20) -> Iterator[tuple[int, Any]]:
        """(index, value) of each element of an array, decoded many at a time (`runs`)."""
        for start, values in self.runs(batch):
            yield from enumerate(values, start)

    def runs(self, batch: int = 1 << 20) -> Iterator[tuple[int, list[Any]]]:
        """The elements of an array as runs: (index of the first, the values), decoded many
        at a time; for a caller whose loop over a million elements should be its own.

        A long run of objects ("{...}, {...}, ...") is cut after a "}," and parsed as one
        list by orjson (a few times faster than the standard library's decoder). A cut
        inside an element can never parse (an object or a string is left open), so a
        parse that succeeds ends on an element boundary; if it fails, elements are read
        one by one for a while, which also finds any error. Each value is what `json`
        gives: orjson refuses NaN and half a surrogate pair (so those go one by one, by
        `json`), and a batch with 19 digits in a row (maybe an integer past 64 bits,
        which orjson would read as a float) is decoded by `json` whole.
        """
        if self._opened_empty_array():
            return
        i = 0
        slow = 0  # elements to read one by one before trying a batch again
        while True:
            if slow == 0:
                while len(self.buf) - self.pos < batch and self._fill():
                    pass
                cut = self.buf.rfind("},", self.pos, self.pos + batch)
                if cut > self.pos:
                    try:
                        text = "[" + self.buf[self.pos:cut + 1] + "]"
                        long_number = "0" * 19 in text.translate(_DIGITS_AS_ZERO)
                        values = (self._json.decode if long_number else orjson.loads)(text)
                    except (ValueError, RecursionError):
                        slow = 100
                    else:
                        yield i, values
                        i += len(values)
                        self.pos = cut + 2
                        continue
            slow = max(0, slow - 1)
            yield i, [self.value()]
            i += 1
            if self._closed("]"):
                return

    def end(self) -> None:
        """Only whitespace may follow the document."""
        if self.peek():
            raise JsonProblem("not JSON: extra data after the document", self.at())
