"""Anki export, imported into a real collection with the `anki` package."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import write_kata, write_mini

from study import anki
from study.loader import load
from study.paths import bundled_root

anki_collection = pytest.importorskip("anki.collection")
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition as Update  # noqa: E402

IF_NEWER = Update.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER


def import_into(col_path: Path, apkg: Path):  # type: ignore[no-untyped-def]
    col = anki_collection.Collection(str(col_path))
    opts = anki_collection.ImportAnkiPackageOptions(
        update_notes=IF_NEWER, update_notetypes=IF_NEWER, with_scheduling=False,
        with_deck_configs=False, merge_notetypes=False)
    col.import_anki_package(anki_collection.ImportAnkiPackageRequest(
        package_path=str(apkg), options=opts))
    return col


def collection_bytes(apkg: Path) -> bytes:
    with zipfile.ZipFile(apkg) as z:
        return z.read("collection.anki2")


def test_bundled_content_imports_completely(tmp_path: Path) -> None:
    content = load([(bundled_root(), "bundled")]).content
    notes = anki.select(content)
    apkg = tmp_path / "deck.apkg"
    counts = anki.write_package(notes, apkg)
    want_cards = sum(len(c.deletions) if c.type == "cloze" else 1 for c in content.cards.values())
    want_cards += len(content.katas)
    assert counts == {"notes": len(content.cards) + len(content.katas), "cards": want_cards,
                      "media": 0}
    col = import_into(tmp_path / "c.anki2", apkg)
    try:
        assert col.note_count() == counts["notes"] and col.card_count() == want_cards
        decks = {d.name for d in col.decks.all_names_and_ids()}
        assert "Deep Learning::Attention and Transformers" in decks
        nid = col.find_notes('"StudyId:sdpa-why-scale"')[0]
        note = col.get_note(nid)
        assert set(note.tags) >= {"track::attention", "topic::scaled-dot-product"}
        card = note.cards()[0]
        assert "\\(\\sqrt{d_k}\\)" in card.answer() or "\\(\\sqrt{d}\\)" in card.answer()
        for nid in col.find_notes("deck:Deep*"):
            for c in col.get_note(nid).cards():
                text = re.sub(r"<style>.*?</style>", "", c.answer(), flags=re.S)
                # code, and typed answers (literal text to type), may hold $ and ** as is
                text = re.sub(r"<pre>.*?</pre>|<code>.*?</code>|Accepted: [^<]*", "", text,
                              flags=re.S)
                assert "**" not in text and "$$" not in text, text[:200]
                assert not re.search(r"(?<![\\\w])\$[^$\s][^$]*\$", text), text[:300]
        # a cloze deletion is a blank on the front and the answer on the back
        card_ = next(c for c in content.cards.values() if c.type == "cloze")
        cloze_note = col.get_note(col.find_notes(f'"StudyId:{card_.id}"')[0])
        first = cloze_note.cards()[0]
        m = re.search(r"\{\{c1::(.*?)(?:::(.*?))?\}\}", cloze_note["Text"])
        hidden, hint = m.group(1), m.group(2) or "..."
        assert f"[{hint}]" in first.question()  # (inside MathJax, Anki shows it without a span)
        assert hidden in first.answer() and hidden not in first.question()
        kata = col.get_note(col.find_notes('"StudyId:softmax"')[0])
        assert "def softmax" in re.sub(r"<[^>]+>", "", kata["Solution"])
        assert "style=" in kata["Solution"]  # highlighted with inline styles
    finally:
        col.close()


def _mini_with_extras(root: Path) -> Path:
    write_mini(root)
    write_kata(root, "kata-one", "alpha")
    img = root / "cards" / "basics" / "pic.png"
    img.write_bytes(b"\x89PNG\r\n\x1a\n fake")
    (root / "cards" / "basics" / "extra.yaml").write_text(
        "topic: beta\ncards:\n"
        "  - id: math-cloze\n    type: cloze\n"
        "    text: 'Scaled by {{c1::$\\frac{1}{\\sqrt{d_k} }$}} and <b>not html</b>.'\n"
        "    tags: [math]\n    source: s\n"
        "  - id: with-image\n    type: basic\n    front: 'See ![plot](pic.png)'\n"
        "    back: '**bold** and `code`'\n    tags: [img]\n    source: s\n")
    return root


def test_cloze_math_media_and_escaping(tmp_path: Path) -> None:
    root = _mini_with_extras(tmp_path / "c")
    result = load([(root, "bundled")])
    assert result.problems == []
    notes = anki.select(result.content)
    apkg = tmp_path / "d.apkg"
    counts = anki.write_package(notes, apkg)
    assert counts["media"] == 1
    col = import_into(tmp_path / "col.anki2", apkg)
    try:
        note = col.get_note(col.find_notes('"StudyId:math-cloze"')[0])
        # The math stays whole inside the deletion, as MathJax.
        assert "{{c1::\\(\\frac{1}{\\sqrt{d_k} }\\)}}" in note["Text"]
        assert "&lt;b&gt;not html&lt;/b&gt;" in note["Text"]
        back = note.cards()[0].answer()
        assert "\\sqrt{d_k}" in back and "not html" in back
        img = col.get_note(col.find_notes('"StudyId:with-image"')[0])
        name = re.search(r'<img src="([^"]+)"', img["Front"]).group(1)
        assert (Path(col.media.dir()) / name).exists()
        assert "<strong>bold</strong>" in img["Back"] and "<code>code</code>" in img["Back"]
        assert col.find_notes("tag:tag::math") and col.find_notes("tag:kata")
    finally:
        col.close()


def test_reexport_is_identical_and_edits_update_not_duplicate(make_study, tmp_path: Path,
                                                              monkeypatch) -> None:
    root = _mini_with_extras(tmp_path / "c")
    study = make_study(root=root)
    monkeypatch.setenv("STUDY_NOW", "2026-03-02T12:00:00Z")
    first, second = tmp_path / "1.apkg", tmp_path / "2.apkg"
    anki.write_package(anki.select(study.content), first, study.store)
    monkeypatch.setenv("STUDY_NOW", "2026-03-05T12:00:00Z")
    anki.write_package(anki.select(study.content), second, study.store)
    assert hashlib.sha256(collection_bytes(first)).digest() == \
        hashlib.sha256(collection_bytes(second)).digest()

    col_path = tmp_path / "col.anki2"
    col = import_into(col_path, first)
    n_notes, n_cards = col.note_count(), col.card_count()
    col.close()
    # Edit one card's text, re-export later, re-import: same notes, new text.
    f = root / "cards" / "basics" / "alpha.yaml"
    f.write_text(f.read_text().replace("alpha answer 0", "alpha answer zero, edited"))
    edited = load([(root, "bundled")]).content
    monkeypatch.setenv("STUDY_NOW", "2026-03-09T12:00:00Z")
    third = tmp_path / "3.apkg"
    anki.write_package(anki.select(edited), third, study.store)
    col = import_into(col_path, third)
    try:
        assert (col.note_count(), col.card_count()) == (n_notes, n_cards)
        note = col.get_note(col.find_notes('"StudyId:a-0"')[0])
        assert "alpha answer zero, edited" in note["Back"]
        untouched = col.get_note(col.find_notes('"StudyId:a-1"')[0])
        assert untouched.mod < note.mod  # only the edited note moved forward
    finally:
        col.close()


def test_cli_filters_and_bad_input(tmp_path: Path) -> None:
    env = {"STUDY_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    import os

    env = {**os.environ, **env}
    out = tmp_path / "attention.apkg"
    ok = subprocess.run([sys.executable, "-m", "study", "export", "anki", "--out", str(out),
                         "--track", "attention", "--no-katas"], env=env, capture_output=True,
                        text=True)
    assert ok.returncode == 0, ok.stderr
    content = load([(bundled_root(), "bundled")]).content
    attention = [c for c in content.cards.values()
                 if content.topics[c.topic].track == "attention"]
    assert ok.stdout.startswith(f"wrote {out}: {len(attention)} notes")
    for args, message in (
        (["--track", "nope"], "unknown track 'nope'"),
        (["--tag", "no-such-tag"], "unknown tag 'no-such-tag'"),
        (["--out", str(tmp_path / "missing" / "x.apkg")], "cannot write"),
    ):
        bad = subprocess.run([sys.executable, "-m", "study", "export", "anki", *args],
                             env=env, capture_output=True, text=True, cwd=tmp_path)
        assert bad.returncode == 2 and message in bad.stderr, bad.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attention.apkg", "home"]
