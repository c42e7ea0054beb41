"""Today's session: cards one at a time, katas pushed in between; ends in a summary.

Every grade goes through `Session.grade`, which commits before returning, and
only then is the next item shown.

The next item comes from the plan read when the session started (or last
re-read), less what was done since: re-planning a big home takes a tenth of a
second, too long between a key and the next card. The plan is read again when
the learner pauses (a card being read), when it runs out, and after anything
that is not a grade; an item another session recorded since the plan was read
is skipped, as `Session.next` does.
"""

from __future__ import annotations

import time
from typing import Any

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from study import cardtext, grading
from study.errors import StudyError
from study.planner import Plan, PlanEntry
from study.scheduler import RATING_NAMES, STATE_NAMES, format_interval
from study.session import Session
from study.store import Superseded
from study.tui.screens.base import StudyScreen
from study.tui.widgets.card_markdown import CardMarkdown
from study.tui.widgets.footer import Footer


class ReviewScreen(StudyScreen[None]):
    BINDINGS = [
        Binding("space", "reveal", "Reveal"),
        Binding("enter", "reveal", "Reveal", show=False),
        Binding("1", "key('1')", "Again", show=False),
        Binding("2", "key('2')", "Hard", show=False),
        Binding("3", "key('3')", "Good", show=False),
        Binding("4", "key('4')", "Easy", show=False),
        Binding("5", "key('5')", show=False),
        Binding("6", "key('6')", show=False),
        Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        Binding("e", "edit", "Edit"),
        Binding("q", "leave", "Back"),
        Binding("escape", "unfocus", show=False),
        # A long card scrolls with the keys, whatever has focus.
        Binding("down", "scroll('down')", show=False),
        Binding("up", "scroll('up')", show=False),
        Binding("pagedown", "scroll('page_down')", show=False),
        Binding("pageup", "scroll('page_up')", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entry: PlanEntry | None = None
        self.revealed = False
        self.picks: list[int] = []
        self.suggested: int | None = None
        self.shown_at = time.monotonic()
        self.skip: set[str] = set()  # katas put off for now
        self.graded_here = 0
        self._session: Session | None = None
        self._plan: Plan | None = None  # today's plan as last read
        self._plan_mark = 0  # the log's newest id when it was read
        self._done: list[str] = []  # items graded, suspended or buried since then
        self._graded_since_plan = 0
        self._replan_timer: Any = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(self.study)
        return self._session

    def compose(self) -> ComposeResult:
        yield Static("", id="progress")
        with VerticalScroll(id="card"):
            yield Static("", id="card-meta")
            yield CardMarkdown("", id="front")
            yield CardMarkdown("", id="choices")
            yield Input(placeholder="type your answer, Enter to check", id="typed")
            yield Static("", id="verdict")
            yield CardMarkdown("", id="back")
        yield Static("", id="grades")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.show_next()

    # -- showing -------------------------------------------------------------------------

    # -- the plan: read once, then kept up to date cheaply ------------------------------

    def _replan(self) -> None:
        """Read today's plan again (a tenth of a second on a big home)."""
        store = self.study.store
        self._plan_mark = store.last_id()
        self._plan = self.session.plan()
        self._done = []
        self._graded_since_plan = 0

    def _replan_later(self) -> None:
        """After a grade: re-read the plan once the learner pauses, not between two keys."""
        if self._replan_timer is not None:
            self._replan_timer.stop()
        self._replan_timer = self.set_timer(0.8, self._replan_quietly)

    def _replan_quietly(self) -> None:
        self._replan_timer = None
        if self.is_attached and self.app.screen is self:
            self._replan()
            self._progress()

    def _next_entry(self) -> PlanEntry | None:
        """The plan's next item, less what was done since it was read; when it runs out,
        the plan is read again (learning cards come back, another session added work)."""
        if self._plan is None:
            self._replan()
        entry = self._pick()
        if entry is None and (self._done or self._plan_mark != self.study.store.last_id()):
            self._replan()
            entry = self._pick()
        return entry

    def _pick(self) -> PlanEntry | None:
        study = self.study
        plan = self._plan
        assert plan is not None
        skip = set(self.skip) | set(self._done)
        if study.settings.bury_siblings and self._done:  # as the planner buries them
            notes = {i.split("#", 1)[0] for i in self._done}
            skip |= {e.item.id for e in plan.entries if e.item.note_id in notes}
        own = frozenset(self.session.own)
        now = study.now()
        while (entry := plan.next_entry(now, skip=frozenset(skip))) is not None:
            if not study.store.changed_since(entry.item.id, self._plan_mark, own):
                self.session.marks[entry.item.id] = self._plan_mark  # as Session.next
                return entry
            skip.add(entry.item.id)  # another session recorded it since the plan
        return None

    def _did(self, item_id: str, graded: bool = False) -> None:
        self._done.append(item_id)
        self._graded_since_plan += graded
        self._replan_later()

    # -- showing -------------------------------------------------------------------------

    def show_next(self, entry: PlanEntry | None = None) -> None:
        study = self.study
        if entry is None:
            entry = self._next_entry()
        self.entry = entry
        if entry is None:
            self._finish()
            return
        if entry.item.kind == "kata":
            self._open_kata(entry)
            return
        card = study.content.card_for(entry.item.id)
        if card is None:  # content changed under us (an edit removed it)
            self.skip.add(entry.item.id)
            self.show_next()
            return
        self.revealed = False
        self.picks = []
        self.suggested = None
        self.shown_at = time.monotonic()
        state = self.session.state(entry.item)
        topic = study.index.topics.get(card.topic)
        label = "new" if state.is_new else STATE_NAMES[state.state]
        self.query_one("#card-meta", Static).update(
            f"[dim]{label} · {escape(topic.title if topic else card.topic)} · {card.type}"
            f" · {escape(entry.item.id)}[/]")
        self.query_one("#front", CardMarkdown).update(cardtext.front(card, entry.item.id))
        choices = self.query_one("#choices", CardMarkdown)
        choices.display = card.type == "mcq"
        if card.type == "mcq":
            choices.update(cardtext.choices(card))
        typed = self.query_one("#typed", Input)
        # Each change redraws the box: only what differs (a grade's budget is a few ms).
        if typed.display != (card.type == "typed"):
            typed.display = card.type == "typed"
        if typed.value:
            typed.value = ""
        if typed.disabled:
            typed.disabled = False
        self.query_one("#verdict", Static).update("")
        back = self.query_one("#back", CardMarkdown)
        back.display = False
        back.update("")
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        self._progress()
        self._grades_bar()
        if card.type == "typed":
            if self.focused is not typed:
                typed.focus()
        elif self.focused is not None:  # a focus change redraws the footer: only if needed
            self.set_focus(None)
        self._prepare_later(card, entry)

    def _prepare_later(self, card: Any, entry: PlanEntry) -> None:
        """While the learner reads: draw this card's answer and the likely next card into
        the renderer's cache, so a reveal or a grade only swaps lines in."""
        # Right after this card's frame: a learner needs far longer to read it.
        self.call_after_refresh(self._prepare, card, entry)

    def _prepare(self, card: Any, entry: PlanEntry) -> None:
        if self.entry is not entry or not self.is_attached:
            return
        front = self.query_one("#front", CardMarkdown)
        front.prepare(cardtext.back(card, entry.item.id))
        if card.type == "mcq":
            front.prepare(cardtext.choices(card, revealed=True))
        nxt = self._predict_next(entry)
        if nxt is None:
            return
        nxt_card = self.study.content.card_for(nxt.item.id)
        if nxt_card is not None:
            front.prepare(cardtext.front(nxt_card, nxt.item.id))
            if nxt_card.type == "mcq":
                front.prepare(cardtext.choices(nxt_card))

    def _predict_next(self, entry: PlanEntry) -> PlanEntry | None:
        """What the plan would show after `entry` (a guess: a grade can change it)."""
        plan = self._plan
        if plan is None:
            return None
        skip = frozenset(self.skip) | frozenset(self._done) | {entry.item.id}
        nxt = plan.next_entry(self.study.now(), skip=skip)
        return nxt if nxt is not None and nxt.item.kind == "card" else None

    def _progress(self) -> None:
        plan = self._plan
        if plan is None:
            return
        gone = set(self._done)
        left = [e for e in plan.entries if e.item.id not in gone]
        due = sum(1 for e in left if e.reason in ("learning", "review"))
        new = sum(1 for e in left if e.reason == "new")
        kata = sum(1 for e in left if e.item.kind == "kata")
        done = plan.reviews_done_today + plan.new_done_today + self._graded_since_plan
        self.query_one("#progress", Static).update(
            f"[b]{due}[/] due · [b]{new}[/] new · [b]{kata}[/] kata · done today [b]{done}[/]")

    def _grades_bar(self) -> None:
        bar = self.query_one("#grades", Static)
        card = self._card()
        if self.entry is None or card is None:
            bar.update("")
            return
        if not self.revealed:
            if card.type == "mcq":
                multi = len(card.answer) > 1
                bar.update("[b]1-9[/] pick" + (" (several), [b]Enter[/] check" if multi else "")
                           + " · [b]space[/] show answer")
            elif card.type == "typed":
                bar.update("[b]Enter[/] check your answer · [b]Esc[/] leave the box")
            else:
                bar.update("[b]space[/] show answer")
            return
        preview = self.session.preview(self.entry.item)
        parts = []
        for r in (1, 2, 3, 4):
            mark = "[reverse]" if r == (self.suggested or 3) else ""
            end = "[/reverse]" if mark else ""
            parts.append(f"{mark}[b]{r}[/b] {RATING_NAMES[r]} {format_interval(preview[r])}{end}")
        bar.update("   ".join(parts))

    def _card(self) -> Any:
        if self.entry is None or self.entry.item.kind != "card":
            return None
        return self.study.content.card_for(self.entry.item.id)

    # -- revealing and grading -----------------------------------------------------------

    def action_reveal(self) -> None:
        card = self._card()
        if card is None:
            return
        if self.revealed:
            self._grade(self.suggested or 3)
            return
        if card.type == "typed":
            self.query_one("#typed", Input).focus()
            return
        if card.type == "mcq":
            if self.picks:
                right = grading.check_mcq(card, self.picks)
                self.suggested = grading.suggested_rating(right)
                self.query_one("#verdict", Static).update(
                    "[b green]✓ right[/]" if right else "[b red]✗ not quite[/]")
            self.query_one("#choices", CardMarkdown).update(
                cardtext.choices(card, self.picks, revealed=True))
        self._reveal(card)

    def _reveal(self, card: Any) -> None:
        assert self.entry is not None
        self.revealed = True
        back = self.query_one("#back", CardMarkdown)
        back.update(cardtext.back(card, self.entry.item.id))
        back.display = True
        self._grades_bar()

    def action_key(self, key: str) -> None:
        card = self._card()
        if card is None:
            return
        n = int(key)
        if not self.revealed and card.type == "mcq":
            if not 1 <= n <= len(card.choices):
                return
            if len(card.answer) > 1:  # several right answers: toggle, Enter checks
                idx = n - 1
                self.picks = sorted(set(self.picks) ^ {idx})
                self.query_one("#choices", CardMarkdown).update(cardtext.choices(card, self.picks))
            else:
                self.picks = [n - 1]
                self.action_reveal()
            return
        if self.revealed and 1 <= n <= 4:
            self._grade(n)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        card = self._card()
        if card is None or card.type != "typed" or self.revealed:
            return
        given = event.value
        right = grading.check_typed(card, given)
        self.suggested = grading.suggested_rating(right)
        verdict = Text()
        if right:
            verdict.append("✓ right", style="bold green")
        else:
            verdict.append("✗ not quite: ", style="bold red")
            for op, part in grading.diff(given.strip(), grading.closest_answer(card, given)):
                style = {"same": "green", "extra": "red strike", "missing": "black on yellow"}[op]
                verdict.append(part, style=style)
            verdict.append("   (struck: yours, not in the answer; highlighted: missing)",
                           style="dim")
        self.query_one("#verdict", Static).update(verdict)
        event.input.disabled = True
        self._reveal(card)
        self.set_focus(None)

    def _grade(self, rating: int) -> None:
        if self.entry is None:
            return
        entry = self.entry
        duration = int((time.monotonic() - self.shown_at) * 1000)
        try:
            result = self.session.grade(entry.item, rating, duration_ms=duration)  # committed
        except StudyError as exc:  # disk full, read-only, or graded in another window first
            self._status(f"NOT SAVED: {exc}")
            self.app.notify(f"not saved: {exc}", severity="error", timeout=10)
            if isinstance(exc, Superseded):
                self._did(entry.item.id)
                self.show_next()
            return
        self.graded_here += 1
        self._did(entry.item.id, graded=True)
        nxt = result.after.due()
        study = self.study
        when = format_interval(nxt - study.now()) if nxt else "?"
        note = ""
        if self.suggested == 1 and rating > 1:
            note = " (the answer was wrong; graded as you asked)"
        self._status(f"saved: {entry.item.id} {RATING_NAMES[rating]} · next in {when}{note}")
        if result.became_leech:
            action = "suspended" if result.after.suspended else "tagged"
            self.app.notify(f"Leech: {entry.item.id} lapsed {result.after.lapses} times and was "
                            f"{action}. Consider rewriting it (e).", severity="warning",
                            timeout=10)
        self.show_next()

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(escape(text))

    # -- actions on the current card ------------------------------------------------------

    def action_undo(self) -> None:
        undone = self.session.undo()
        if undone is None:
            self._status("nothing to undo")
            return
        self._status(f"undone: {undone.item_id} ({RATING_NAMES.get(undone.rating, '?')})")
        self._replan()  # not a grade: read the plan again
        plan = self._plan
        assert plan is not None
        entry = next((e for e in plan.entries + plan.learning_later
                      if e.item.id == undone.item_id), None)
        if entry is None:
            item = next((it for it in self.study.items if it.id == undone.item_id), None)
            entry = PlanEntry(item, "review") if item is not None else None
        self.skip.discard(undone.item_id)
        self.show_next(entry)

    def action_suspend(self) -> None:
        if self.entry is None:
            return
        self.session.suspend(self.entry.item)
        self._did(self.entry.item.id)
        self._status(f"suspended: {self.entry.item.id} (unsuspend it in Browse)")
        self.show_next()

    def action_bury(self) -> None:
        if self.entry is None:
            return
        self.session.bury(self.entry.item)
        self._did(self.entry.item.id)
        self._status(f"buried until tomorrow: {self.entry.item.id}")
        self.show_next()

    def action_edit(self) -> None:
        """The card's file at its line in `$EDITOR` (the built-in editor if that fails)."""
        from study.tui.editor import edit_then

        card = self._card()
        if card is None or card.ref is None:
            return
        ref = card.ref
        entry = self.entry

        def reload() -> None:
            problems = [p for p in self.study.reload_content() if p.path == str(ref.path)]
            self._plan = None  # the content changed: plan again
            if problems:
                self.app.notify("\n".join(str(p) for p in problems[:3]), title="Content problems",
                                severity="error", timeout=15)
            self._status(f"reloaded {ref.path.name}")
            self.show_next(entry)

        edit_then(self.app, ref.path, ref.line, reload)

    def action_unfocus(self) -> None:
        self.set_focus(None)

    def action_scroll(self, how: str) -> None:
        card = self.query_one("#card", VerticalScroll)
        getattr(card, f"scroll_{how}")(animate=False)

    def action_leave(self) -> None:
        self.app.pop_screen()

    # -- katas and the end ------------------------------------------------------------------

    def _open_kata(self, entry: PlanEntry) -> None:
        from study.tui.screens.kata import KataScreen

        def back(result: str | None) -> None:
            if result != "done":
                self.skip.add(entry.item.id)  # left for later: go on with the rest
            else:
                self._did(entry.item.id)
            self.show_next()

        self.app.push_screen(KataScreen(entry.item.id, in_session=True), back)

    def _finish(self) -> None:
        from study.tui.screens.summary import SummaryScreen

        self.app.switch_screen(SummaryScreen(skipped=sorted(self.skip)))

