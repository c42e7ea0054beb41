"""`study review --plain`: a line-mode review for any terminal, screen readers and pipes.

Every grade is committed (and confirmed with a `saved:` line) before the next
card is shown; end of input quits like `q`, losing nothing.
"""

from __future__ import annotations

import time
from typing import TextIO

from study import cardtext, grading
from study.core import Study
from study.models import Card
from study.planner import PlanEntry
from study.scheduler import RATING_NAMES, STATE_NAMES, format_interval
from study.session import Session
from study.store import Superseded

KEYS = (
    "Enter reveal · 1-4 grade (Enter = Good) · u undo · s suspend · b bury · q quit"
    " (at an answer prompt: \\u \\s \\b \\q)"
)


def _text(markdown: str) -> str:
    """One piece of card Markdown (a choice) as plain text."""
    return cardtext.plain(cardtext.math(markdown))


class _Quit(Exception):
    pass


class PlainReview:
    def __init__(self, study: Study, stdin: TextIO, stdout: TextIO, limit: int | None = None):
        self.study = study
        self.session = Session(study)
        self.inp = stdin
        self.out = stdout
        self.limit = limit
        self.done = 0

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def ask(self, prompt: str) -> str:
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        if not line:  # end of input: leave as if 'q'
            self.say()
            raise _Quit
        return line.rstrip("\r\n")

    def run(self) -> int:
        plan = self.session.plan()
        c = plan.counts
        self.say(f"Today: {c['learning']} learning, {c['review']} review, {c['new']} new, "
                 f"{c['kata']} kata · about {plan.estimated_minutes:.0f} min")
        self.say(f"Keys: {KEYS}")
        try:
            while self.limit is None or self.done < self.limit:
                entry = self.session.next(kinds=("card",))
                if entry is None:
                    self._finished()
                    break
                self._review(entry)
        except _Quit:
            pass
        self.say(f"Reviewed {self.done} this time; every grade is saved.")
        return 0

    def _finished(self) -> None:
        plan = self.session.plan()
        self.say("Nothing more to review now.")
        if plan.learning_later:
            self.say(f"{len(plan.learning_later)} learning card(s) come back later today.")
        katas = [e.item.id for e in plan.entries if e.item.kind == "kata"]
        for kata in katas:
            self.say(f"Kata for today: {kata} — `study kata start {kata}`, then "
                     f"`study kata check {kata}` (or `study kata watch {kata}`).")

    # -- one card ------------------------------------------------------------------

    def _review(self, entry: PlanEntry) -> None:
        item = entry.item
        card = self.study.content.card_for(item.id)
        assert card is not None
        topic = self.study.content.topics.get(card.topic)
        state = self.session.state(item)
        label = "new" if state.is_new else STATE_NAMES[state.state]
        self.say("")
        self.say(f"── {label} · {topic.title if topic else card.topic} · {card.type} · {item.id}")
        started = time.monotonic()
        suggested: int | None = None
        if card.type in ("basic", "cloze"):
            self.say(self._front(card, item.id))
            while True:
                key = self.ask("[Enter] reveal > ").strip().lower()
                if key == "":
                    break
                if self._command(key, entry):
                    return
        elif card.type == "mcq":
            self.say(self._front(card, item.id))
            for i, choice in enumerate(card.choices):
                self.say(f"  {chr(ord('a') + i)}) {_text(choice)}")
            multi = len(card.answer) > 1
            while True:
                raw = self.ask("answer (letters, e.g. a,c) > " if multi else "answer (letter) > ")
                if self._escaped(raw, entry):
                    return
                picks = grading.parse_choices(raw, len(card.choices))
                if picks is not None:
                    break
                self.say(f"  type a letter between a and {chr(ord('a') + len(card.choices) - 1)}")
            right = grading.check_mcq(card, picks)
            suggested = grading.suggested_rating(right)
            self.say(("✓ right" if right else "✗ wrong") + " — answer: " +
                     ", ".join(f"{chr(ord('a') + i)}) {_text(card.choices[i])}"
                               for i in card.answer))
        else:  # typed
            self.say(self._front(card, item.id))
            raw = self.ask("answer > ")
            if self._escaped(raw, entry):
                return
            right = grading.check_typed(card, raw)
            suggested = grading.suggested_rating(right)
            self.say(("✓ right" if right else f"✗ wrong (you wrote {raw!r})") +
                     " — accepted: " + " | ".join(card.answers))
        self._back(card, item.id)
        self._grade(entry, suggested, started)

    def _front(self, card: Card, item_id: str) -> str:
        """The front as the app shows it, in plain text (math in Unicode, no Markdown)."""
        return cardtext.plain(cardtext.front(card, item_id))

    def _back(self, card: Card, item_id: str) -> None:
        if card.type == "typed":  # the verdict line above already lists what is accepted
            parts = [p for p in (card.back_zh, card.explain) if p]
            text = "\n\n".join(cardtext.math(p) for p in parts)
            text += f"\n\n*Source:* {card.source}"
        else:
            text = cardtext.back(card, item_id, mark=("**[", "]**"))
        if card.type in ("basic", "cloze"):
            self.say("──")
        self.say(cardtext.plain(text))

    def _grade(self, entry: PlanEntry, suggested: int | None, started: float) -> None:
        preview = self.session.preview(entry.item)
        self.say("  ".join(f"{r} {RATING_NAMES[r]} {format_interval(preview[r])}" for r in preview))
        default = suggested or 3
        while True:
            key = self.ask(f"grade 1-4 [Enter = {RATING_NAMES[default]}] > ").strip().lower()
            if key == "":
                rating = default
                break
            if key in ("1", "2", "3", "4"):
                rating = int(key)
                if suggested == 1 and rating > 1:
                    self.say("  (the answer was wrong; grading it anyway as you asked)")
                break
            if self._command(key, entry):
                return
            self.say("  type 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
        duration = int((time.monotonic() - started) * 1000)
        try:
            result = self.session.grade(entry.item, rating, duration_ms=duration)
        except Superseded as exc:  # another window graded it first: never twice
            self.say(f"not saved: {exc}")
            return
        self.done += 1
        nxt = result.after.due()
        when = format_interval(nxt - self.study.now()) if nxt else "?"
        self.say(f"saved: {entry.item.id} {RATING_NAMES[rating]} · next in {when}")
        if result.became_leech:
            card = self.study.content.card_for(entry.item.id)
            action = "suspended" if result.after.suspended else "tagged"
            self.say(f"! leech: {result.after.lapses} lapses; {action}. "
                     f"Consider rewriting it ({card.ref if card else entry.item.id}).")

    def _escaped(self, raw: str, entry: PlanEntry) -> bool:
        """At an answer prompt, commands are written \\u, \\s, \\b, \\q (b is a choice)."""
        key = raw.strip().lower()
        if len(key) == 2 and key[0] == "\\" and key[1] in "usbq":
            return self._command(key[1], entry)
        return False

    def _command(self, key: str, entry: PlanEntry) -> bool:
        """Handle u/s/b/q; True if the current card is finished (moved on)."""
        key = key.lower()
        if key == "q":
            raise _Quit
        if key == "u":
            undone = self.session.undo()
            if undone is None:
                self.say("  nothing to undo")
                return False
            self.done = max(0, self.done - 1)
            self.say(f"undone: {undone.item_id} ({undone.what})")
            return True
        if key == "s":
            self.session.suspend(entry.item)
            self.say(f"suspended: {entry.item.id}")
            return True
        if key == "b":
            self.session.bury(entry.item)
            self.say(f"buried until tomorrow: {entry.item.id}")
            return True
        self.say(f"  keys: {KEYS}")
        return False
