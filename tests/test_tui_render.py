"""The lighter pieces behind the speed targets: the card widget, the footer, Browse's lazy list.

Each keeps what it replaced: highlighted code and Unicode math in a card, the
footer's keys after a focus change, a search typed while Browse still lists.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.widgets import Input
from tui_helpers import add_card, begin, reach, running, settle

from study import cardtext
from study.tui.screens.browse import BrowseScreen
from study.tui.widgets import card_markdown
from study.tui.widgets.card_markdown import CardMarkdown
from study.tui.widgets.footer import Footer, shown_keys

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.usefixtures("no_warm_worker")]

CARD = ("Shapes:\n\n```python run\nimport torch\nx = torch.ones(2, 3)\n```\n\n"
        "so $x \\in \\mathbb{R}^{2 \\times 3}$ and **bold**.")





def lines_of(source: str, width: int = 60) -> list[str]:
    console = Console(width=width, color_system="truecolor", force_terminal=True)
    lines = card_markdown.render_lines(console, source, width, "monokai")
    return ["".join(seg.text for seg in line) for line in lines]


def test_a_card_keeps_its_code_highlighted_its_math_unicode_and_no_markers() -> None:
    source = cardtext.math(CARD)  # what the review screen gives the widget
    text = "\n".join(lines_of(source))
    assert "x = torch.ones(2, 3)" in text
    assert "run" not in text and "```" not in text and "$" not in text and "**" not in text
    assert "x ∈ ℝ" in text and "bold" in text
    console = Console(width=60, color_system="truecolor", force_terminal=True)
    code_line = next(line for line in card_markdown.render_lines(console, source, 60, "monokai")
                     if "torch" in "".join(s.text for s in line))
    colours = {seg.style.color.name for seg in code_line if seg.style and seg.style.color}
    assert len(colours) >= 2  # highlighted: keywords and names differ
    assert lines_of(source)[-1] == ""  # one blank line after the text, as Markdown left


def test_mcq_choices_start_at_the_top_numbered_for_the_keys() -> None:
    lines = lines_of("1. aa ✓\n2. bb ✗ (your pick)", 40)
    assert lines[0].split() == ["1", "aa", "✓"] and lines[1].split()[:2] == ["2", "bb"]


def test_a_rule_is_a_line_as_in_the_markdown_widget() -> None:
    assert lines_of("front\n\n---\n\nback", 20) == ["front", "", "─" * 20, "", "back", ""]


def test_lines_are_drawn_once_per_text_and_width() -> None:
    card_markdown._cache.clear()
    first = card_markdown.render_lines(Console(), "some *text*", 40, "monokai")
    assert card_markdown.render_lines(Console(), "some *text*", 40, "monokai") is first
    assert card_markdown.render_lines(Console(), "some *text*", 30, "monokai") is not first
    assert card_markdown.render_lines(Console(), "", 40, "monokai") == []
    for n in range(card_markdown._CACHE_SIZE + 5):  # bounded
        card_markdown.render_lines(Console(), f"card {n}", 40, "monokai")
    assert len(card_markdown._cache) == card_markdown._CACHE_SIZE


class _Keys(App[None]):
    AUTO_FOCUS = None
    BINDINGS = [("space", "reveal", "Reveal"), ("u", "undo", "Undo")]

    def action_reveal(self) -> None:
        self.bell()

    def action_undo(self) -> None:
        self.bell()

    def compose(self) -> ComposeResult:
        yield CardMarkdown("", id="card")
        yield Input(id="box")
        yield Footer()


async def test_the_widget_shows_its_source_and_grows_with_it() -> None:
    app = _Keys()
    async with app.run_test(size=(60, 20)) as pilot:
        card = app.query_one(CardMarkdown)
        assert card.source == "" and card.size.height == 0
        card.update("\n\n".join(f"paragraph {i}" for i in range(4)))
        await pilot.pause()
        assert card.source.startswith("paragraph 0")
        assert card.size.height == 8  # four paragraphs, a blank line after each
        card.update("")
        await pilot.pause()
        assert card.size.height == 0


async def test_the_footer_hides_the_letter_keys_while_a_box_has_focus_without_rebuilding() -> None:
    app = _Keys()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        footer = app.query_one(Footer)
        keys = list(footer.query("FooterKey"))
        shown = {k.key for k in keys if k.display}
        assert {"space", "u"} <= shown
        app.query_one(Input).focus()  # typing goes to the box: letter keys are not keys now
        await pilot.pause()
        assert list(footer.query("FooterKey")) == keys  # the same widgets: not rebuilt
        assert not any(k.display for k in keys if k.key in ("space", "u"))
        assert {k[0] for k in shown_keys(app.screen)} == {k.key for k in keys if k.display}
        app.set_focus(None)
        await pilot.pause()
        assert {k.key for k in footer.query("FooterKey") if k.display} == shown


async def browse_by_pages(app, pilot, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                          *typed: str) -> BrowseScreen:
    """Open Browse building its list itself, three rows a page (`typed` pressed before the
    whole list is there), and wait until the list is complete."""
    from study.tui.screens import browse as screen

    monkeypatch.setattr(screen, "PAGE", 3)
    monkeypatch.setattr(screen, "_last", None)
    monkeypatch.setattr(screen, "prebuild", lambda app: None)  # Browse builds it itself
    await pilot.press("b", *typed)
    await pilot.pause()
    await settle(app)
    await pilot.pause()
    browse = app.screen
    assert isinstance(browse, BrowseScreen) and browse.complete
    return browse


async def test_browse_lists_a_page_first_then_the_rest_and_a_search_typed_meanwhile_waits(
        home: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with running(home, root, size=(120, 40)) as (app, pilot):
        browse = await browse_by_pages(app, pilot, monkeypatch, *"beta")  # typed meanwhile
        ids = [r.item.id for r in browse.shown]
        assert ids and all(i.startswith("b-") for i in ids)  # the search, on every row
        assert str(browse.query_one("#browse-count").render()) == \
            f"{len(ids)} of {len(browse.rows)} items"
        assert len(browse.rows) == len([it for it in app.study.items
                                        if it.kind == "kata" or
                                        app.study.content.card_for(it.id)])


async def test_browse_keeps_its_first_page_and_cursor_when_the_rest_arrives(
        home: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with running(home, root, size=(120, 40)) as (app, pilot):
        browse = await browse_by_pages(app, pilot, monkeypatch)
        table = browse.query_one("#items")
        assert table.row_count == 3 and len(browse.shown) > 6  # the rest, by pages
        assert str(browse.query_one("#browse-count").render()) == \
            f"{len(browse.shown)} of {len(browse.rows)} items"
        await pilot.press("enter", *["down"] * 5)
        await pilot.pause()
        assert table.row_count > 3 and table.cursor_row == 5


async def test_a_card_with_code_is_drawn_in_the_review(home: Path, root: Path) -> None:
    add_card(root, "a-code", "What does $x^2$ print?", CARD)
    async with running(home, root, new_per_day=20, size=(80, 24)) as (app, pilot):
        await begin(pilot)
        screen = app.screen
        await reach(app, pilot, "a-code")
        await pilot.press("space")
        await pilot.pause()
        back = screen.query_one("#back", CardMarkdown)
        assert back.display and "x = torch.ones(2, 3)" in back.source
        drawn = [line.text for line in back.render_lines(back.region.reset_offset)]
        assert any("x = torch.ones(2, 3)" in line for line in drawn)
        assert any("x ∈ ℝ" in line for line in drawn)


async def test_the_dashboard_is_the_bottom_screen_and_dashboard_returns_to_it(
        home: Path, root: Path) -> None:
    from study.tui.screens.dashboard import DashboardScreen

    async with running(home, root, size=(120, 40)) as (app, pilot):
        assert isinstance(app.screen, DashboardScreen) and len(app.screen_stack) == 1
        await pilot.press("b")
        await pilot.pause()
        await settle(app)
        await pilot.press("escape")  # out of the search box
        app.action_review()
        await pilot.pause()
        assert len(app.screen_stack) == 3
        app.action_dashboard()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen) and len(app.screen_stack) == 1


@pytest.mark.parametrize("argv", [[], ["--home", "/x"], ["--home=/x"]])
def test_a_plain_launch_reads_its_arguments_as_the_parser_would(argv: list[str]) -> None:
    from study.cli import _app_launch, build_parser

    fast = _app_launch(argv)
    assert fast is not None and vars(fast) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["--home"], ["--home", "-x"], ["today"], ["--version"],
                                  ["--home", "/x", "review"]])
def test_anything_else_goes_through_the_parser(argv: list[str]) -> None:
    from study.cli import _app_launch

    assert _app_launch(argv) is None


async def test_the_list_is_built_while_the_dashboard_shows_and_browse_only_draws_it(
        home: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from study.tui.screens import browse as screen

    monkeypatch.setattr(screen, "_last", None)
    built: list[int] = []
    real = screen.browse.rows

    def rows(study, now, items=None, states=None):  # type: ignore[no-untyped-def]
        built.append(0 if items else 1)
        return real(study, now, items, states)

    monkeypatch.setattr(screen.browse, "rows", rows)
    async with running(home, root, size=(120, 40)) as (app, pilot):
        await settle(app)  # the warm-up worker
        assert built == [1] and screen._cached(app.study) is not None
        await pilot.press("b")
        await pilot.pause()
        browse = app.screen
        assert isinstance(browse, BrowseScreen) and browse.complete and browse.rows
        assert built == [1]  # drawn from the list built before
