"""A kata: prompt and hints, an editor, checks in a worker, results, the grade.

The check runs in a thread worker (the kata worker process does the work), so
the UI stays live; its result arrives as `KataChecked` and is recorded on the
UI thread through the same `katas.record` the CLI uses.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.widgets import DataTable, Footer, Markdown, Static, TextArea

from study import cardtext, katas
from study.clock import to_ms
from study.models import Kata
from study.scheduler import RATING_NAMES, format_interval
from study.tui.checkview import CheckView, view_of
from study.tui.drill import Drill
from study.tui.messages import KataChecked, KataCheckFailed
from study.tui.screens.base import StudyScreen


class PromptPane(ScrollableContainer):
    """The prompt: up/down/page keys scroll it; left/right scroll its code blocks, which
    keep their lines whole (a signature is never cut, only scrolled)."""

    def action_scroll_left(self) -> None:
        self._sideways(-4)

    def action_scroll_right(self) -> None:
        self._sideways(4)

    def _sideways(self, dx: int) -> None:
        from textual.widgets._markdown import MarkdownFence

        for fence in self.query(MarkdownFence):
            fence.scroll_relative(x=dx, animate=False)
        if self.max_scroll_x:
            self.scroll_relative(x=dx, animate=False)


class KataScreen(StudyScreen[str]):
    # Below 120 columns the prompt and the work stack (see KataScreen.-narrow in app.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("ctrl+r", "check", "Check", priority=True),
        Binding("f5", "check", "Check", show=False, priority=True),
        Binding("ctrl+g", "hint", "Hint", priority=True),
        Binding("ctrl+o", "external", "$EDITOR", priority=True),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("f2", "reference", "Reference", priority=True),
        Binding("f3", "wrap", "Wrap", priority=True),
        Binding("escape", "unfocus", "Leave editor"),
        Binding("1", "grade(1)", "Again", show=False),
        Binding("2", "grade(2)", "Hard", show=False),
        Binding("3", "grade(3)", "Good", show=False),
        Binding("4", "grade(4)", "Easy", show=False),
        Binding("n", "done", "Next"),
        Binding("q", "leave", "Back"),
    ]

    def __init__(self, kata_id: str, in_session: bool = False, drill: Drill | None = None):
        super().__init__()
        self.kata_id = kata_id
        self.in_session = in_session
        self.drill = drill
        self.checking = False
        self.last: CheckView | None = None
        self.graded_rating: int | None = None
        self.started = time.monotonic()
        self._disk: tuple[int, str] | None = None  # the workspace file as we last knew it

    @property
    def kata(self) -> Kata:
        return self.study.index.katas[self.kata_id]

    def compose(self) -> ComposeResult:
        yield Static("", id="kata-bar")
        with Horizontal(id="kata-main"):
            with PromptPane(id="kata-prompt", classes="-wrap-code"):
                yield Markdown("", id="prompt")
                yield Markdown("", id="hints")
            with Vertical(id="kata-work"):
                yield TextArea.code_editor("", language="python", id="editor",
                                           soft_wrap=False, show_line_numbers=True)
                yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
                yield Static("", id="case-detail")
        yield Static("", id="kata-status")
        yield Footer()

    async def on_mount(self) -> None:
        kata = self.kata
        now = self.study.now()
        if self.drill is not None:
            # A drill starts from the starter, as an interview would; saved work is set aside.
            path, backup = katas.reset(self.study, kata, now)
            katas.start(self.study, kata, now)
            if backup is not None:
                self.drill.backups[kata.id] = str(backup)
        else:
            path, _ = katas.start(self.study, kata, now)
        self.path = path
        # The bar shows the title: the prompt starts with the signature (rows count at 80x24).
        await self.query_one("#prompt", Markdown).update(cardtext.kata_prompt(kata, title=False))
        editor = self.query_one("#editor", TextArea)
        editor.load_text(path.read_text(encoding="utf-8"))
        self._remember_disk()
        self._warm_worker()
        table = self.query_one("#results", DataTable)
        table.display = False
        self.query_one("#case-detail", Static).display = False
        await self._show_hints()
        self._tick()
        self.set_interval(1.0, self._tick)
        editor.focus()
        self._status(f"[b]ctrl+r[/] check (a save of workspace/{escape(kata.id)}/"
                     f"{escape(path.name)} from any editor checks too) · [b]Esc[/], [b]n[/] next")

    # -- the bar: timer against the budget (or the drill's clock) --------------------------

    def _tick(self) -> None:
        self._watch_disk()
        kata = self.kata
        if self.drill is not None:
            left = self.drill.deadline - time.monotonic()
            if left <= 0:
                self._times_up()
                return
            n = self.drill.kata_ids.index(self.kata_id) + 1
            clock = f"drill {n}/{len(self.drill.kata_ids)} · [b]{_mmss(left)}[/] left"
        else:
            now = self.study.now()
            since = katas._session_start_ms(self.study, kata, now)
            elapsed = max(0.0, (to_ms(now) - since) / 1000)
            budget = kata.time_budget_min * 60
            style = "b red" if elapsed > budget else "b"
            clock = f"time [{style}]{_mmss(elapsed)}[/] / {_mmss(budget)}"
        # The clock first: a long title must never push it off a narrow screen.
        self.query_one("#kata-bar", Static).update(
            f"{clock} · [b]{escape(kata.title)}[/] · difficulty {kata.difficulty}")

    def _times_up(self) -> None:
        assert self.drill is not None
        self.drill.results.setdefault(self.kata_id, {"status": "time up", "passed": False})
        self.app.notify("Time is up.", severity="warning")
        self.dismiss("timeout")

    # -- hints -------------------------------------------------------------------------------

    async def _show_hints(self) -> None:
        shown = katas.shown_hints(self.study, self.kata, self.study.now())
        total = len(self.kata.hints)
        if self.drill is not None:
            text = "*No hints in a drill.*"
        elif not shown:
            text = f"*{total} hint(s) available: ctrl+g reveals the next (it counts against " \
                   "the grade).*"
        else:
            text = "\n\n".join(f"**Hint {i}.** {cardtext.math(h)}" for i, h in enumerate(shown, 1))
            if len(shown) < total:
                text += f"\n\n*{total - len(shown)} more: ctrl+g*"
        await self.query_one("#hints", Markdown).update(text)

    async def action_hint(self) -> None:
        if self.drill is not None:
            self.app.notify("No hints in an interview drill.")
            return
        got = katas.next_hint(self.study, self.kata, self.study.now())
        if got is None:
            self.app.notify("No more hints.")
        await self._show_hints()
        self.query_one("#kata-prompt", ScrollableContainer).scroll_end(animate=False)

    # -- editing -----------------------------------------------------------------------------

    def _remember_disk(self) -> None:
        """What the workspace file holds as far as we know: ours, loaded or written."""
        try:
            self._disk = (self.path.stat().st_mtime_ns, self.path.read_text(encoding="utf-8"))
        except OSError:
            self._disk = (0, "")

    def _watch_disk(self) -> None:
        """Watch mode, as rustlings has it: saved from another editor -> reload and check."""
        if self._disk is None:
            return
        try:
            mtime = self.path.stat().st_mtime_ns
        except OSError:
            return
        known_mtime, known_text = self._disk
        if mtime == known_mtime:
            return
        text = self.path.read_text(encoding="utf-8")
        self._disk = (mtime, text)
        if text == known_text:
            return
        editor = self.query_one("#editor", TextArea)
        if editor.text != known_text:  # edited here too: never overwrite either side silently
            self.app.notify(f"{self.path.name} changed on disk while you edited it here; "
                            "ctrl+s keeps this version, ctrl+o opens the file",
                            severity="warning", timeout=10)
            return
        editor.load_text(text)
        self._status("changed on disk: reloaded, checking…")
        self.action_check()

    @work(thread=True, group="warm")
    def _warm_worker(self) -> None:
        """Start the kata worker (PyTorch) while the prompt is read: the first check is quick."""
        import os

        from study.kata.client import WorkerError

        if os.environ.get("STUDY_KATA_WORKER", "1") == "0":
            return
        with contextlib.suppress(WorkerError, OSError):  # the check will say what is wrong
            self.study_app.attach_kata_worker(self.study.home)

    def _save(self) -> Path:
        path = katas.save_workspace(self.study, self.kata,
                                    self.query_one("#editor", TextArea).text)
        self._remember_disk()
        return path

    def action_save(self) -> None:
        self._save()
        self._status(f"saved {self.path}")

    def action_external(self) -> None:
        from study.tui.editor import edit_file

        self.action_save()
        edited = edit_file(self.app, str(self.path), 1)
        editor = self.query_one("#editor", TextArea)
        if not edited.ok:  # the built-in editor is right here: go on in it
            self.app.notify(f"{edited.error}; keep editing here", severity="warning", timeout=8)
            self._status(f"[b red]{escape(edited.error)}[/]: the editor on the right is yours")
            editor.focus()
            return
        editor.load_text(self.path.read_text(encoding="utf-8"))
        self._remember_disk()
        self._status("reloaded from your editor")

    def action_wrap(self) -> None:
        """Long lines wrap in the editor, or scroll sideways (the prompt's code always wraps)."""
        editor = self.query_one("#editor", TextArea)
        editor.soft_wrap = not editor.soft_wrap
        self._status("long lines wrap" if editor.soft_wrap else "long lines scroll sideways")

    def action_unfocus(self) -> None:
        self.set_focus(self.query_one("#results", DataTable) if self.last else None)

    # -- checking ----------------------------------------------------------------------------

    def action_check(self) -> None:
        if self.checking:
            return
        code = self.query_one("#editor", TextArea).text
        path = self._save()
        request = katas.check_request(self.study, self.kata, path, source=code)
        self.checking = True
        results = self.query_one("#results", DataTable)
        results.display = True
        results.loading = True
        self._status("checking… (the first check of the day starts PyTorch: a few seconds)")
        self._run_check(request, code)

    @work(thread=True, exclusive=True, group="check")
    def _run_check(self, request: dict[str, Any], code: str) -> None:
        from study.kata.client import KataClient, WorkerError

        try:
            result = KataClient(self.study.home).check(request)
        except (WorkerError, OSError) as exc:
            self.post_message(KataCheckFailed(self.kata_id, str(exc)))
            return
        if result.status == "error" and result.reason not in ("usage", ""):
            # The judge could not judge (it died, the checker is broken): no attempt.
            self.post_message(KataCheckFailed(self.kata_id, result.message))
            return
        self.post_message(KataChecked(self.kata_id, result, code))

    def on_kata_check_failed(self, message: KataCheckFailed) -> None:
        self.checking = False
        self.query_one("#results", DataTable).loading = False
        self._status(f"[b red]the check could not run:[/] {escape(message.error)}")

    def on_kata_checked(self, message: KataChecked) -> None:
        self.checking = False
        result = message.result
        table = self.query_one("#results", DataTable)
        table.loading = False
        view = view_of(result)
        if view.usage_error:
            self._status(f"[b red]{escape(view.usage_error)}[/]")
            return
        self.last = view
        self._fill_results()
        now = self.study.now()
        rec = katas.record(self.study, self.kata, result, message.code, now)
        if self.drill is not None:
            self.drill.results[self.kata_id] = {
                "status": view.label, "passed": view.passed,
                "elapsed_s": time.monotonic() - self.started,
            }
        n_ok = sum(c.passed for c in view.cases)
        head = "[b green]passed[/]" if view.passed else f"[b red]{escape(view.label)}[/]"
        line = f"{head} · {n_ok}/{len(view.cases)} cases · {view.duration_s:.2f} s " \
               f"on {escape(view.device)}"
        if rec.graded:
            self.graded_rating = rec.rating
            when = format_interval(rec.next_due - now) if rec.next_due else "?"
            line += f" · graded [b]{RATING_NAMES[rec.rating]}[/] (next in {when}); " \
                    "Esc then 1-4 to change"
        else:
            line += f" · suggested grade {RATING_NAMES[rec.rating]}"
        if view.passed:
            line += " · [b]n[/] next · [b]F2[/] the reference"
        self.refresh_bindings()
        self._status(line)
        first_fail = view.first_failure()
        if first_fail is not None:
            table.move_cursor(row=first_fail)
        self._case_detail(first_fail if first_fail is not None else 0)

    def _fill_results(self) -> None:
        """The cases as rows cut to the table's width (the full message is under it)."""
        result = self.last
        if result is None:
            return
        table = self.query_one("#results", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        tests = result.cases
        # Each column has a cell padding of 1 on both sides; keep 2 for the scrollbar.
        width = max(24, (table.size.width or self.size.width) - 2)
        case_w = min(max((len(t.name) for t in tests), default=4), max(8, width // 3))
        message_w = max(8, width - (1 + 2) - (case_w + 2) - 2)
        table.add_column("", width=1)
        table.add_column("case", width=case_w)
        table.add_column("message", width=message_w)
        for i, t in enumerate(tests):
            mark = "[green]✓[/]" if t.passed else "[red]✗[/]"
            table.add_row(mark, escape(_cut(t.name, case_w)),
                          escape(_cut(_gist(t.message), message_w)), key=str(i))
        output = result.output.strip()
        if output:
            table.add_row("", "[dim]printed[/]", escape(_cut(output.splitlines()[-1], message_w)))
        if 0 <= cursor < table.row_count:
            table.move_cursor(row=cursor)

    def on_resize(self) -> None:
        if self.last is not None:
            self.call_after_refresh(self._fill_results)

    def _case_detail(self, index: int) -> None:
        """The whole message of one case (the table cuts it): what is wrong, and where."""
        detail = self.query_one("#case-detail", Static)
        tests = self.last.cases if self.last is not None else []
        if self.last is not None and not tests and not self.last.passed and self.last.message:
            # the check broke before any case (an import error, a timeout): say why
            detail.update(f"[b red]✗ {escape(self.last.label)}[/]\n"
                          f"{escape(self.last.message.strip())}")
            detail.display = True
            return
        if not 0 <= index < len(tests) or tests[index].passed:
            detail.display = False
            return
        t = tests[index]
        detail.update(f"[b red]✗ {escape(t.name)}[/]\n{escape(t.message.strip())}")
        detail.display = True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._case_detail(int(event.row_key.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reference":  # after an attempt, never during a drill
            return self.drill is None and katas.has_attempt(self.study, self.kata)
        return True

    def action_reference(self) -> None:
        from study.tui.screens.reference import ReferenceScreen

        assert self.kata.folder is not None
        code = (self.kata.folder / "solution.py").read_text(encoding="utf-8")
        self.app.push_screen(ReferenceScreen(self.kata.title, code))

    # -- grading and leaving -------------------------------------------------------------------

    def action_grade(self, rating: int) -> None:
        if self.drill is not None:
            return
        if self.last is None:
            self._status("check your solution first (ctrl+r); grades follow the checks")
            return
        try:
            _, due = katas.regrade(self.study, self.kata, rating, self.study.now())
        except katas.KataError as exc:
            self._status(escape(str(exc)))
            return
        self.graded_rating = rating
        when = format_interval(due - self.study.now()) if due else "?"
        self._status(f"saved: {self.kata_id} {RATING_NAMES[rating]} · next in {when} · "
                     "[b]n[/] next")

    def action_done(self) -> None:
        self.action_save()
        self.dismiss("done" if self.last is not None else "skipped")

    def action_leave(self) -> None:
        self.action_save()
        if self.drill is None:
            self.dismiss("done" if self.last is not None else "skipped")
            return
        from study.tui.screens.confirm import ConfirmScreen

        def answered(leave: bool | None) -> None:
            if leave:
                assert self.drill is not None
                self.drill.stopped = True
                self.dismiss("stopped")

        self.app.push_screen(ConfirmScreen("Leave the drill? Your checks so far are recorded.",
                                           yes="Leave", no="Stay"), answered)

    def _status(self, text: str) -> None:
        self.query_one("#kata-status", Static).update(text)


def _mmss(seconds: float) -> str:
    s = int(max(0, seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _gist(message: str) -> str:
    """The table cell: what is wrong, without the leading "with x[4, 10], dim=-1: " (the
    inputs are in the full message under the table)."""
    text = " ".join(message.split())
    if text.startswith("with ") and ": " in text:
        text = text.split(": ", 1)[1]
    return text
