"""Card text (Markdown with $math$ and fenced code) to HTML, for Anki and other viewers.

Math is lifted out before Markdown sees it (so `_` and `*` inside LaTeX stay
LaTeX) and comes back as MathJax delimiters `\\(...\\)` / `\\[...\\]`; raw HTML
is escaped; fenced code is highlighted with inline styles (no stylesheet needed).
Cloze markers `{{cN::...}}` survive the trip.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from study import cloze

_MATH_OPEN, _MATH_CLOSE = "\ue000", "\ue001"
_C_OPEN, _C_NUM_END, _C_HINT, _C_CLOSE = "\ue010", "\ue011", "\ue012", "\ue013"
_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\$)")
_IMG = re.compile(r'<img src="([^"]+)"')
# A fence's opening line: its info string says the language, then markers (`run`: the
# test suite executes the block). Only the language is for readers and highlighters.
_FENCE_INFO = re.compile(r"^([ \t]*)(`{3,}|~{3,})[ \t]*([^`\n]*?)[ \t]*$", re.M)


@dataclass
class Rendered:
    html: str
    media: list[Path] = field(default_factory=list)


def fence_language(info: str) -> str:
    """The highlighter's language for a fence's info string: `python run` -> python;
    a block with only markers (`run`) is Python, as the suite runs it."""
    words = info.split()
    if not words:
        return ""
    return "python" if words[0] == "run" else words[0]


def clean_fences(text: str) -> str:
    """Every fence's info string cut to its language, so no marker is ever shown and every
    renderer (the app's Markdown, Anki's HTML, line mode) highlights the block."""
    if "```" not in text and "~~~" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        return f"{m.group(1)}{m.group(2)}{fence_language(m.group(3))}"

    return _FENCE_INFO.sub(one, text)


def _md():  # type: ignore[no-untyped-def]
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "highlight": highlight_code})
    md.enable("table")
    md.enable("strikethrough")
    return md


_MD = None


def highlight_code(code: str, lang: str, _attrs: str = "") -> str:
    """Syntax-highlighted HTML with inline styles (Anki has no Pygments stylesheet)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(lang) if lang else PythonLexer()
    except ClassNotFound:
        lexer = PythonLexer()
    # nowrap: Markdown wraps it in <pre><code>, which the note type's CSS styles.
    return highlight(code, lexer, HtmlFormatter(noclasses=True, nowrap=True, style="friendly"))


def _protect_math(text: str, store: list[str], in_cloze: bool) -> str:
    """Replace math outside code with placeholders; store its MathJax form."""

    def keep(latex: str, display: bool) -> str:
        body = html.escape(latex.strip(), quote=False)
        if in_cloze:
            body = body.replace("}}", "} }")  # '}}' would end the deletion inside Anki
        store.append(f"\\[{body}\\]" if display else f"\\({body}\\)")
        return f"{_MATH_OPEN}{len(store) - 1}{_MATH_CLOSE}"

    return replace_math(text, keep)


def replace_math(text: str, keep: Callable[[str, bool], str]) -> str:
    """Replace each math span outside fenced code by `keep(latex, display)`."""
    out = []
    pos = 0
    for fence in _FENCE.finditer(text):
        out.append(_math_in_prose(text[pos:fence.start()], keep))
        out.append(fence.group(0))
        pos = fence.end()
    out.append(_math_in_prose(text[pos:], keep))
    return "".join(out)


def _math_in_prose(text: str, keep) -> str:  # type: ignore[no-untyped-def]
    parts = []
    pos = 0
    for code in _INLINE_CODE.finditer(text):
        parts.append(_math(text[pos:code.start()], keep))
        parts.append(code.group(0))
        pos = code.end()
    parts.append(_math(text[pos:], keep))
    return "".join(parts)


def _math(text: str, keep) -> str:  # type: ignore[no-untyped-def]
    text = _DISPLAY.sub(lambda m: keep(m.group(1), True), text)
    return _INLINE.sub(lambda m: keep(m.group(1), False), text)


def stray_dollar(text: str) -> bool:
    """A `$` left over once code and well-formed math are taken out: broken math."""
    store: list[str] = []
    rest = _protect_math(text, store, in_cloze=False)
    rest = _FENCE.sub("", rest)
    rest = _INLINE_CODE.sub("", rest)
    return bool(re.search(r"(?<!\\)\$", rest))


def _protect_cloze(text: str) -> str:
    deletions, _ = cloze.parse(text)
    out = []
    pos = 0
    for d in deletions:
        out.append(text[pos:d.start])
        out.append(f"{_C_OPEN}{d.number}{_C_NUM_END}{d.answer}")
        if d.hint:
            out.append(f"{_C_HINT}{d.hint}")
        out.append(_C_CLOSE)
        pos = d.end
    out.append(text[pos:])
    return "".join(out)


def _restore_cloze(text: str) -> str:
    text = re.sub(f"{_C_OPEN}(\\d+){_C_NUM_END}", r"{{c\1::", text)
    return text.replace(_C_HINT, "::").replace(_C_CLOSE, "}}")


def to_html(text: str, base: Path | None = None, is_cloze: bool = False,
            inline: bool = False) -> Rendered:
    """Markdown -> HTML. `inline` drops the paragraph wrapper for one-line fields."""
    global _MD
    if _MD is None:
        _MD = _md()
    store: list[str] = []
    src = clean_fences(text)
    src = _protect_cloze(src) if is_cloze else src
    src = _protect_math(src, store, is_cloze)
    body = _MD.renderInline(src) if inline else _MD.render(src)
    body = re.sub(f"{_MATH_OPEN}(\\d+){_MATH_CLOSE}", lambda m: store[int(m.group(1))], body)
    if is_cloze:
        body = _restore_cloze(body)
    media: list[Path] = []
    if base is not None:
        def swap(m: re.Match[str]) -> str:
            src_path = m.group(1)
            if re.match(r"^[a-z]+:", src_path):
                return m.group(0)  # a URL: left as is
            path = (base / html.unescape(src_path)).resolve()
            media.append(path)
            return f'<img src="{html.escape(media_name(path))}"'
        body = _IMG.sub(swap, body)
    return Rendered(body.strip(), media)


def media_name(path: Path) -> str:
    """A stable, collision-free name for a media file inside the package."""
    import hashlib

    digest = hashlib.blake2b(str(path).encode(), digest_size=6).hexdigest()
    return f"study-{digest}-{path.name}"
