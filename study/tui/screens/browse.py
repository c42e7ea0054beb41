"""Browse: search cards and katas, see an item's FSRS state and history, suspend."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from study import browse, cardtext
from study.scheduler import STATE_NAMES
from study.tui.screens.base import StudyScreen
from study.tui.widgets.card_markdown import CardMarkdown
from study.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from study.core import Study
    from study.tui.app import StudyApp

PAGE = 60  # rows added at a time (more than a screen): the list fills as the cursor nears its end


# The last list built: opening Browse again on the same home and content, with nothing
# recorded since, within the same minute, reuses it (building it reads every item's
# state: a few hundred ms on a big home). The objects themselves are kept, not their
# ids: an id can be reused once an object is gone.
_last: tuple[object, object, int, object, list[browse.Row]] | None = None


def _key(study: Study) -> tuple[object, object, int, object]:
    now = study.now()
    return study, study.index, study.store.last_id(), now.replace(second=0, microsecond=0)


def _cached(study: Study) -> list[browse.Row] | None:
    if _last is None:
        return None
    key = _key(study)
    same = _last[0] is key[0] and _last[1] is key[1] and _last[2:4] == key[2:4]
    return _last[4] if same else None


def _keep(key: tuple[object, object, int, object], rows: list[browse.Row]) -> None:
    global _last
    _last = (*key, rows)
    gc.freeze()  # kept for the session: the collector need not walk them again and again


def _rows(study: Study) -> list[browse.Row]:
    """Every row (cached, see above); blocking: a tenth of a second or more on a big home."""
    rows = _cached(study)
    if rows is None:
        key = _key(study)
        rows = browse.rows(study, study.now())
        _keep(key, rows)
    return rows


def prebuild(app: StudyApp) -> None:
    """Build and keep the whole list ahead of Browse (the app's warm-up worker, once the
    dashboard is drawn): opening Browse then only draws it. Any thread."""
    with app.db_lock:  # the home is not closed under these reads
        study = app.study
        if study is None or _cached(study) is not None:
            return
        key = _key(study)  # its mark read before the states: a grade meanwhile shows
        rows = browse.rows(study, study.now(), states=app.read_states(study))
    _keep(key, rows)


class RowsBuilt(Message):
    """The whole list, built in a worker after the first page was drawn."""

    def __init__(self, rows: list[browse.Row], mark: int) -> None:
        super().__init__()
        self.rows = rows
        self.mark = mark


class BrowseScreen(StudyScreen[None]):
    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("s", "toggle_suspend", "Suspend/unsuspend"),
        Binding("k", "open_kata", "Open kata"),
        Binding("escape", "leave_search", show=False),
        Binding("down", "leave_search", show=False),
        Binding("q", "app.pop_screen", "Back"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.rows: list[browse.Row] = []
        self.shown: list[browse.Row] = []
        self.filled = 0  # how many of `shown` are in the table
        self.searched = ""  # the query the list shows
        self.complete = True  # False while the whole list is being built

    def compose(self) -> ComposeResult:
        yield Input(value=self.initial, id="query",
                    placeholder="search: words  tag:x  track:cnn  is:due|new|leech|suspended|kata"
                                "  type:cloze  -term")
        yield Static("", id="browse-count")
        with Horizontal(id="browse-main"):
            yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="detail-box"):
                yield Static("", id="detail-state")
                yield CardMarkdown("", id="detail-text")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#items", DataTable)
        # Ids can be long; the text is what people scan, so it gets the room.
        table.add_column("item", width=24)
        table.add_column("type", width=5)
        table.add_column("state", width=10)
        table.add_column("text")
        rows = _cached(self.study)
        if rows is None and not self.initial.strip():
            # Nothing to search yet: the first page now, the whole list from a worker.
            self.complete = False
            self.rows = browse.rows(self.study, self.study.now(), self.study.items[:PAGE])
            self._search("")
            self.query_one("#browse-count", Static).update(
                f"listing {len(self.study.items)} items…")
            self.call_after_refresh(self._build_rows)
        else:
            self.rows = rows if rows is not None else _rows(self.study)
            self._search(self.initial)
        # Typing goes to the search box first (keys typed ahead never act on a row);
        # Enter or Down moves to the list.
        self.query_one("#query", Input).focus()

    @work(thread=True, exclusive=True, group="browse-rows")
    def _build_rows(self) -> None:
        app = self.study_app
        with app.db_lock:  # the home is not closed under these reads
            study = app.study
            if study is None:
                return
            key = _key(study)  # its mark read before the states: a grade meanwhile shows
            rows = browse.rows(study, study.now(), states=app.read_states(study))
        _keep(key, rows)  # kept even if the screen is gone: the next opening uses it
        self.post_message(RowsBuilt(rows, key[2]))

    def on_rows_built(self, message: RowsBuilt) -> None:
        study = self.study
        if message.mark != study.store.last_id():  # something was recorded meanwhile
            self._build_rows()
            return
        self.complete = True
        self.rows = message.rows
        if self.searched.strip():
            self._search(self.searched)
            return
        # The same first page is in the table: keep it (and the cursor), extend the rest.
        self.shown = self.rows
        self._count()

    def _count(self) -> None:
        self.query_one("#browse-count", Static).update(
            f"{len(self.shown)} of {len(self.rows)} items")

    def _search(self, text: str) -> None:
        self.searched = text
        if not self.complete and text.strip():
            self.query_one("#browse-count", Static).update("listing… (the search follows)")
            return
        try:
            query = browse.parse_query(text)
        except browse.QueryError as exc:
            self.query_one("#browse-count", Static).update(f"[red]{escape(str(exc))}[/]")
            return
        self.shown = browse.search(self.rows, query, self.study.now())
        table = self.query_one("#items", DataTable)
        table.clear()
        self.filled = 0
        self._fill_more()
        self._count()
        if self.shown:
            self._detail(self.shown[0])
        else:  # nothing found: the pane must not keep showing the last item
            self.query_one("#detail-state", Static).update("[dim]Nothing matches.[/]")
            self.query_one("#detail-text", CardMarkdown).update("")

    def _fill_more(self) -> None:
        """The next page of results into the table (thousands at once would make opening
        Browse slow; nobody reads them all before scrolling)."""
        table = self.query_one("#items", DataTable)
        for row in self.shown[self.filled:self.filled + PAGE]:
            table.add_row(escape(row.item.id), row.type, row.status,
                          escape(cardtext.plain_line(row.title, 80)), key=row.item.id)
        self.filled = min(len(self.shown), self.filled + PAGE)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value != self.searched:  # the box reports its first value too
            self._search(event.value)

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.query_one("#items", DataTable).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= self.filled - max(1, PAGE // 5) and self.filled < len(self.shown):
            self._fill_more()
        row = self._row(event.row_key.value if event.row_key else None)
        if row is not None:
            self._detail(row)

    def _row(self, item_id: str | None) -> browse.Row | None:
        return next((r for r in self.shown if r.item.id == item_id), None)

    def _current(self) -> browse.Row | None:
        table = self.query_one("#items", DataTable)
        if not self.shown or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return self._row(key)

    def _detail(self, row: browse.Row) -> None:
        study = self.study
        now = study.now()
        d = browse.detail(study, row.item, now)
        s = d.state
        lines = [f"[b]{escape(row.item.id)}[/] · {row.type} · track {escape(row.track)}"]
        lines.append(f"state [b]{STATE_NAMES[s.state]}[/]"
                     + (" · [red]suspended[/]" if s.suspended else "")
                     + (" · [yellow]leech[/]" if s.leech else ""))
        if s.reps:
            lines.append(f"reps {s.reps} · lapses {s.lapses}")
            lines.append(f"stability {s.stability or 0:.1f} d · difficulty {s.difficulty or 0:.2f}")
        if d.retrievability is not None:
            lines.append(f"retrievability now [b]{d.retrievability:.0%}[/]")
        if d.due is not None:
            lines.append(f"due {d.due.astimezone(study.days.zone):%Y-%m-%d %H:%M}")
        if d.history:
            lines.append("")
            lines.append("[b]History[/]")
            for when, what in d.history[-12:]:
                lines.append(f"  {when.astimezone(study.days.zone):%Y-%m-%d %H:%M}  {what}")
        self.query_one("#detail-state", Static).update("\n".join(lines))
        if row.item.kind == "kata":
            text = cardtext.kata_prompt(study.index.katas[row.item.id])
        else:
            card = study.content.card_for(row.item.id)
            text = "" if card is None else (
                cardtext.front(card, row.item.id)
                + ("\n\n" + cardtext.choices(card) if card.type == "mcq" else "")
                + "\n\n---\n\n" + cardtext.back(card, row.item.id))
        self.query_one("#detail-text", CardMarkdown).update(text)

    def action_search(self) -> None:
        self.query_one("#query", Input).focus()

    def action_leave_search(self) -> None:
        self.query_one("#items", DataTable).focus()

    def action_toggle_suspend(self) -> None:
        row = self._current()
        if row is None:
            return
        study = self.study
        now = study.now()
        s = study.store.state(row.item.id, row.item.kind)
        event = "unsuspend" if s.suspended else "suspend"
        row.state = study.store.action(row.item.id, row.item.kind, event, now)
        table = self.query_one("#items", DataTable)
        table.update_cell(row.item.id, table.ordered_columns[2].key, row.status)
        self.app.notify(f"{event}ed {row.item.id}")
        self._detail(row)

    def action_open_kata(self) -> None:
        from study.tui.screens.kata import KataScreen

        row = self._current()
        if row is not None and row.item.kind == "kata":
            self.app.push_screen(KataScreen(row.item.id))
