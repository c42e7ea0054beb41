"""Export to Anki (.apkg) with genanki: stable ids, edits that update, never duplicates.

Identity: a note's GUID derives from our item id, so editing a card's text
updates the note in Anki. Note and model modification times only move when
their content changes (remembered in the study database), and every id and
timestamp in the collection is derived, not drawn: exporting twice without
changes writes the same collection, byte for byte.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import genanki

from study import cloze
from study.clock import now as clock_now
from study.errors import StudyError
from study.models import Card, Content, Kata
from study.render import highlight_code, media_name, to_html
from study.store import Store

PARENT_DECK = "Deep Learning"
GUID_NAMESPACE = "study"

# Fixed model ids: changing one would make Anki see new note types.
MODEL_IDS = {"basic": 1715600001, "cloze": 1715600002, "mcq": 1715600003,
             "typed": 1715600004, "kata": 1715600005}

CSS = """
.card { font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC",
        sans-serif; font-size: 19px; line-height: 1.5; text-align: left;
        color: #1f2328; background: #ffffff; max-width: 46em; margin: 0 auto; }
.nightMode.card, .night_mode .card { color: #e6edf3; background: #0d1117; }
code { font-family: "JetBrains Mono", Menlo, Consolas, monospace; font-size: 0.9em;
       background: rgba(127,127,127,.15); padding: .1em .3em; border-radius: 4px; }
pre { background: #f6f8fa; padding: .8em 1em; border-radius: 6px; overflow-x: auto; }
pre code { background: none; padding: 0; }
.nightMode pre, .night_mode pre { background: #161b22; filter: invert(0.88) hue-rotate(180deg); }
.cloze { font-weight: bold; color: #0969da; }
.nightMode .cloze, .night_mode .cloze { color: #58a6ff; }
.choices { list-style: upper-alpha; }
.choices li.right { font-weight: bold; color: #1a7f37; }
.choices li.right::after { content: "  ✓"; }
.nightMode .choices li.right, .night_mode .choices li.right { color: #3fb950; }
.extra, .explain { margin-top: .8em; }
.source { margin-top: 1.2em; font-size: .75em; opacity: .65; }
.hints ol { padding-left: 1.2em; }
.signature { font-family: "JetBrains Mono", Menlo, Consolas, monospace; font-size: .9em; }
@media (prefers-color-scheme: dark) {
  .card { color: #e6edf3; background: #0d1117; }
}
"""

_SOURCE = "{{#Source}}<div class=source>{{Source}}</div>{{/Source}}"
_EXTRA = "{{#Extra}}<div class=extra>{{Extra}}</div>{{/Extra}}"

TEMPLATES: dict[str, tuple[list[str], list[dict[str, str]]]] = {
    "basic": (["Front", "Back", "Extra", "Source", "StudyId"], [{
        "name": "Card 1", "qfmt": "{{Front}}",
        "afmt": "{{FrontSide}}<hr id=answer>{{Back}}" + _EXTRA + _SOURCE}]),
    "cloze": (["Text", "Extra", "Source", "StudyId"], [{
        "name": "Cloze", "qfmt": "{{cloze:Text}}",
        "afmt": "{{cloze:Text}}" + _EXTRA + _SOURCE}]),
    "mcq": (["Question", "Choices", "Answer", "Explanation", "Extra", "Source", "StudyId"], [{
        "name": "Card 1", "qfmt": "{{Question}}{{Choices}}",
        "afmt": "{{Question}}<hr id=answer>{{Answer}}<div class=explain>{{Explanation}}</div>"
                + _EXTRA + _SOURCE}]),
    "typed": (["Question", "Answer", "Accepted", "Extra", "Source", "StudyId"], [{
        "name": "Card 1", "qfmt": "{{Question}}<br>{{type:Answer}}",
        "afmt": "{{Question}}<hr id=answer>{{type:Answer}}<div class=extra>Accepted: "
                "{{Accepted}}</div>" + _EXTRA + _SOURCE}]),
    "kata": (["Title", "Prompt", "Signature", "Solution", "Hints", "Source", "StudyId"], [{
        "name": "Kata", "qfmt": "<h3>{{Title}}</h3><div class=signature>{{Signature}}</div>"
                                "{{Prompt}}",
        "afmt": "{{FrontSide}}<hr id=answer>{{Solution}}"
                "{{#Hints}}<div class=hints>Hints:{{Hints}}</div>{{/Hints}}" + _SOURCE}]),
}
MODEL_NAMES = {"basic": "Study: Basic", "cloze": "Study: Cloze", "mcq": "Study: Multiple choice",
               "typed": "Study: Typed answer", "kata": "Study: Kata"}


class ExportError(StudyError):
    """Bad input or an unwritable output: one line, exit 2, nothing left behind."""


@dataclass
class NoteSpec:
    item_id: str  # card or kata id
    kind: str  # basic, cloze, mcq, typed, kata
    deck: str
    fields: list[str]
    tags: list[str]
    media: list[Path] = field(default_factory=list)
    cards: int = 1  # cloze: one per deletion number


def _h(text: str) -> str:
    return html.escape(text, quote=False)


def _tag(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_.:" else "-" for ch in text)


def note_for_card(card: Card, content: Content) -> NoteSpec:
    topic = content.topics[card.topic]
    track = content.tracks.get(topic.track)
    base = card.ref.path.parent if card.ref else None
    media: list[Path] = []

    def md(text: str, is_cloze: bool = False) -> str:
        r = to_html(text, base, is_cloze=is_cloze)
        media.extend(r.media)
        return r.html

    extra = md(card.explain) if card.explain else ""
    source = md(card.source)
    if card.type == "basic":
        fields = [md(card.front), md(card.back), extra, source, card.id]
    elif card.type == "cloze":
        back = md(card.back) if card.back else ""
        fields = [md(card.text, is_cloze=True), "<br>".join(x for x in (back, extra) if x),
                  source, card.id]
    elif card.type == "mcq":
        items = "".join(f"<li>{md(c)}</li>" for c in card.choices)
        marked = "".join(f"<li class=right>{md(c)}</li>" if i in card.answer else
                         f"<li>{md(c)}</li>" for i, c in enumerate(card.choices))
        fields = [md(card.question), f"<ol class=choices>{items}</ol>",
                  f"<ol class=choices>{marked}</ol>", md(card.explanation), extra, source,
                  card.id]
    else:  # typed
        fields = [md(card.question), _h(card.answers[0]),
                  " · ".join(_h(a) for a in card.answers), extra, source, card.id]
    tags = [f"track::{_tag(topic.track)}", f"topic::{_tag(card.topic)}"]
    tags += [f"tag::{_tag(t)}" for t in card.tags]
    deck = f"{PARENT_DECK}::{track.title if track else topic.track}"
    n = len(cloze.numbers(cloze.parse(card.text)[0])) if card.type == "cloze" else 1
    return NoteSpec(card.id, card.type, deck, fields, tags, media, n)


def note_for_kata(kata: Kata, content: Content) -> NoteSpec:
    topic = content.topics[kata.topic]
    track = content.tracks.get(topic.track)
    assert kata.folder is not None
    solution = (kata.folder / "solution.py").read_text(encoding="utf-8")
    prompt = to_html(kata.prompt, kata.folder)
    hints = "<ol>" + "".join(f"<li>{to_html(h, inline=True).html}</li>" for h in kata.hints) \
        + "</ol>"
    fields = [_h(kata.title), prompt.html, f"<code>{_h(kata.signature)}</code>",
              f"<pre><code>{highlight_code(solution, 'python')}</code></pre>", hints,
              to_html(kata.source, inline=True).html, kata.id]
    tags = [f"track::{_tag(topic.track)}", f"topic::{_tag(kata.topic)}", "kata"]
    tags += [f"tag::{_tag(t)}" for t in kata.tags]
    deck = f"{PARENT_DECK}::{track.title if track else topic.track}"
    return NoteSpec(kata.id, "kata", deck, fields, tags, prompt.media)


def select(content: Content, tracks: Iterable[str] = (), topics: Iterable[str] = (),
           tags: Iterable[str] = (), katas: bool = True) -> list[NoteSpec]:
    tracks, topics, tags = set(tracks), set(topics), set(tags)
    for name, chosen, known in (("track", tracks, content.tracks),
                                ("topic", topics, content.topics)):
        unknown = sorted(chosen - set(known))
        if unknown:
            raise ExportError(f"unknown {name} {unknown[0]!r}")
    all_tags = {t for c in content.cards.values() for t in c.tags}
    all_tags |= {t for k in content.katas.values() for t in k.tags}
    unknown_tags = sorted(tags - all_tags)
    if unknown_tags:
        raise ExportError(f"unknown tag {unknown_tags[0]!r}")

    def wanted(topic_id: str, item_tags: list[str]) -> bool:
        topic = content.topics[topic_id]
        return ((not tracks or topic.track in tracks) and (not topics or topic_id in topics)
                and (not tags or bool(tags & set(item_tags))))

    notes = [note_for_card(c, content) for c in content.cards.values() if wanted(c.topic, c.tags)]
    if katas:
        notes += [note_for_kata(k, content) for k in content.katas.values()
                  if wanted(k.topic, k.tags)]
    return notes


# -- writing ------------------------------------------------------------------------------


def _digest(*parts: object) -> str:
    return hashlib.blake2b(json.dumps(parts, sort_keys=True).encode(), digest_size=16).hexdigest()


def _id(*parts: str) -> int:
    """A stable positive id below 2**53 (JavaScript's safe integers: Anki's UI uses them)."""
    raw = int.from_bytes(hashlib.blake2b("\0".join(parts).encode(), digest_size=8).digest(), "big")
    return (raw % (2**52)) + 2**40


class _Mods:
    """Modification times that move forward only when the content's hash changes."""

    def __init__(self, store: Store | None, now: int) -> None:
        self.store = store
        self.now = now
        self.rows: dict[str, tuple[str, int]] = {}
        if store is not None:
            self.rows = {k: (h, m) for k, h, m in
                         store.conn.execute("SELECT key, hash, mod FROM anki_export")}
        self.changed: dict[str, tuple[str, int]] = {}

    def mod(self, key: str, digest: str) -> int:
        old = self.rows.get(key)
        if old and old[0] == digest:
            return old[1]
        new = max(self.now, (old[1] + 1) if old else 0)
        self.changed[key] = (digest, new)
        return new

    def save(self) -> None:
        if self.store is None or not self.changed:
            return
        with self.store.transaction() as c:
            c.executemany("INSERT OR REPLACE INTO anki_export (key, hash, mod) VALUES (?, ?, ?)",
                          [(k, h, m) for k, (h, m) in self.changed.items()])


def write_package(notes: list[NoteSpec], out: Path, store: Store | None = None) -> dict:
    """Write the .apkg atomically; returns counts. Raises ExportError, leaving nothing behind."""
    mods = _Mods(store, int(clock_now().timestamp()))
    models = {}
    for kind, (field_names, templates) in TEMPLATES.items():
        model_hash = _digest(kind, field_names, templates, CSS)
        mod = mods.mod(f"model:{MODEL_IDS[kind]}", model_hash)
        models[kind] = _StableModel(
            MODEL_IDS[kind], MODEL_NAMES[kind], fields=[{"name": f} for f in field_names],
            templates=templates, css=CSS, mod=mod,
            model_type=genanki.Model.CLOZE if kind == "cloze" else genanki.Model.FRONT_BACK)

    decks: dict[str, genanki.Deck] = {}
    parent = genanki.Deck(_id("deck", PARENT_DECK), PARENT_DECK)
    media: dict[str, Path] = {}
    counts = {"notes": 0, "cards": 0}
    for spec in sorted(notes, key=lambda n: (n.deck, n.item_id)):
        deck = decks.setdefault(spec.deck, genanki.Deck(_id("deck", spec.deck), spec.deck))
        guid = genanki.guid_for(GUID_NAMESPACE, spec.item_id)
        mod = mods.mod(f"note:{spec.item_id}", _digest(spec.kind, spec.fields, spec.tags))
        note = _StableNote(model=models[spec.kind], fields=spec.fields, tags=spec.tags,
                           guid=guid, item_id=spec.item_id, mod=mod)
        deck.add_note(note)
        for path in spec.media:
            if not path.is_file():
                raise ExportError(f"{spec.item_id}: media file not found: {path}")
            media[media_name(path)] = path
        counts["notes"] += 1
        counts["cards"] += spec.cards

    package = genanki.Package([parent, *decks.values()])
    out = Path(out)
    if out.is_dir():
        raise ExportError(f"{out} is a directory; give a file name ending in .apkg")
    tmp_dir = out.parent if out.parent.is_dir() else None
    if tmp_dir is None or not os.access(tmp_dir, os.W_OK):
        raise ExportError(f"cannot write {out}: its folder does not exist or is not writable")
    fd, tmp = tempfile.mkstemp(prefix=".study-export-", suffix=".apkg", dir=tmp_dir)
    os.close(fd)
    try:
        with tempfile.TemporaryDirectory(prefix="study-media-") as media_dir:
            # genanki names media by basename: give it copies named as the notes say.
            package.media_files = []
            for name in sorted(media):
                copy = Path(media_dir) / name
                copy.write_bytes(media[name].read_bytes())
                package.media_files.append(str(copy))
            # A fixed timestamp: every id and mod is ours, so the collection is reproducible.
            package.write_to_file(tmp, timestamp=1_700_000_000)
        os.replace(tmp, out)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
        raise
    mods.save()
    counts["media"] = len(media)
    return counts


class _StableModel(genanki.Model):
    """A note type whose modification time is ours (not the export's clock)."""

    def __init__(self, *args: Any, mod: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        data: dict[str, Any] = super().to_json(timestamp, deck_id)
        data["mod"] = self.mod
        data["did"] = None  # not tied to whichever deck happened to write it last
        return data


class _StableNote(genanki.Note):
    """A note whose id, card ids and modification time derive from our item id."""

    def __init__(self, *args: Any, item_id: str, mod: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_id = item_id
        self.mod = mod

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        # genanki takes the note id, then one id per card, from `id_gen`.
        ids = iter([_id("note", self.item_id)]
                   + [_id("card", self.item_id, str(i)) for i in range(len(self.cards))])
        super().write_to_db(cursor, self.mod, deck_id, ids)
