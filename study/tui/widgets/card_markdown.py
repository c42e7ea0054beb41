"""Card Markdown in one widget: rendered once per text and width, then only copied.

Textual's `Markdown` widget mounts a widget per block (paragraph, fence, list
item) and lays them out over several frames: 50-70 ms between a grade and the
next card on a 2-core machine. A card is small and does not change while it is
shown, so here it is one widget that draws Rich's Markdown (fences highlighted
as the `Markdown` widget does, tables, lists) into lines once and keeps them in
a small cache keyed by text and width: a card prepared in advance
(`prepare`) is drawn by copying lines.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.segment import Segment
from textual.geometry import Size
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual.style import Style
    from textual.visual import RenderOptions

_CACHE_SIZE = 64  # a few cards' fronts, backs and choices at two widths
_cache: OrderedDict[tuple[str, int, str], list[list[Segment]]] = OrderedDict()


def render_lines(console: Console, source: str, width: int,
                 code_theme: str) -> list[list[Segment]]:
    """`source` drawn `width` cells wide: one list of segments per line (cached; the UI
    thread's)."""
    key = (source, width, code_theme)
    lines = _cache.get(key)
    if lines is not None:
        _cache.move_to_end(key)
        return lines
    lines = _render(console, source, width, code_theme)
    _cache[key] = lines
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return lines


def _markdown_class() -> Any:
    """Rich's Markdown with a rule drawn as a line (Rich draws `---` with dashes)."""
    global _Markdown
    if _Markdown is None:
        from rich.markdown import HorizontalRule, Markdown
        from rich.rule import Rule
        from rich.text import Text

        class Line(HorizontalRule):
            def __rich_console__(self, console: Console, options: Any) -> Any:
                yield Rule(style=console.get_style("markdown.hr", default="none"))
                yield Text()

        class LinedMarkdown(Markdown):
            elements = {**Markdown.elements, "hr": Line}

        _Markdown = LinedMarkdown
    return _Markdown


_Markdown: Any = None


def _render(console: Console, source: str, width: int, code_theme: str) -> list[list[Segment]]:
    if not source.strip():
        return []
    markdown = _markdown_class()(source, code_theme=code_theme, hyperlinks=False)
    options = console.options.update(width=width, highlight=False, height=None)
    lines = console.render_lines(markdown, options, pad=False)
    lines = [_trim(line) for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:  # Rich opens a list with a blank line
        lines.pop(0)
    lines.append([])  # one blank line after the text, as the Markdown widget leaves
    return lines


def _trim(line: list[Segment]) -> list[Segment]:
    """A line without the plain spaces Rich pads it with (a code block's background stays):
    the widget's own background shows there, as around the Markdown widget's text."""
    line = list(line)
    while line and not (line[-1].style and line[-1].style.bgcolor):
        text = line[-1].text.rstrip(" ")
        if text:
            line[-1] = Segment(text, line[-1].style, line[-1].control)
            break
        line.pop()
    return line


def warm_up() -> None:
    """Import and prime what the first card and Browse draw with (Rich's Markdown, the
    Python highlighter, their screens): 50 ms or so, better spent in a worker while the
    dashboard is read than after the learner's key. Any thread: its own console."""
    import study.tui.screens.browse  # noqa: F401
    import study.tui.screens.review  # noqa: F401

    console = Console(width=40, color_system="truecolor", force_terminal=True)
    _render(console, "*a* `b`\n\n```python\nx = 1\n```\n\n- c", 40, "monokai")


class _CardVisual(Visual):
    """The widget's text as a Textual Visual: lines from the cache, on the widget's style."""

    def __init__(self, widget: CardMarkdown) -> None:
        self._widget = widget

    def _lines(self, width: int) -> list[list[Segment]]:
        w = self._widget
        return render_lines(w.app.console, w.source, max(1, width), w.code_theme)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self._lines(width))

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        base = style.rich_style
        strips = [Strip(Segment.apply_style(line, base), None) for line in self._lines(width)]
        return strips if height is None else strips[:height]


class CardMarkdown(Widget):
    """Markdown text, drawn at once (`update` replaces it; `source` is what it shows)."""

    DEFAULT_CSS = """
    CardMarkdown {
        height: auto;
        padding: 0 2;  /* as Textual's Markdown widget, whose place it takes */
    }
    """

    def __init__(self, source: str = "", *, id: str | None = None,  # noqa: A002 - Textual's
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._source = source

    @property
    def source(self) -> str:
        return self._source

    @property
    def code_theme(self) -> str:
        return "monokai" if self.app.current_theme.dark else "friendly"

    def update(self, source: str) -> None:
        if source != self._source:
            self._source = source
            self.refresh(layout=True)

    def prepare(self, source: str) -> None:
        """Draw `source` into the cache at this widget's width, so showing it is a copy
        (call it while the learner reads, for what comes next)."""
        width = self.content_region.width or self.size.width
        if width > 0:
            render_lines(self.app.console, source, width, self.code_theme)

    def render(self) -> Visual:
        return _CardVisual(self)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        # The new size is drawn in the frame being laid out; Textual's default would also
        # ask for a second frame (and layout) through the `virtual_size` reactive, 20-30 ms
        # later. Nothing scrolls inside this widget, so its virtual size needs no watcher.
        return super()._size_updated(size, virtual_size, container_size, layout=False)
