"""`study content check` warnings (study/lint.py): each rule fires where it should, at the
right file:line:col, and stays quiet on the near miss."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from study.lint import lint
from study.loader import load


def warnings_for(root: Path, body: str, name: str = "lint.yaml") -> tuple[Path, list[str]]:
    path = root / "cards" / "basics" / name
    path.write_text(textwrap.dedent(body))
    result = load([(root, "bundled")])
    assert result.problems == [], result.problems
    return path, [str(w) for w in lint(result.content)]


def cloze(text: str) -> str:
    return f"""\
        topic: alpha
        cards:
          - id: c-1
            type: cloze
            text: {text}
            tags: []
            source: s 2020
        """


@pytest.mark.parametrize(("text", "fires"), [
    # the answer is in the visible text (case and punctuation do not hide it)
    ("In the encoder-decoder design the {{c1::encoder}} reads and the {{c1::decoder}} writes.",
     True),
    ("Workers=0 loads in {{c1::the main process}}; otherwise workers feed The Main Process.", True),
    # ... or in a sibling deletion's answer, shown while this one is hidden
    ("A {{c1::latent diffusion model}} trains the {{c2::diffusion model}} on latents.", True),
    # math that is the same up to its indices
    ("'$\\exp({{c1::\\mathbf u_o^\\top \\mathbf v_c}}) / \\sum_i \\exp(\\mathbf u_i^\\top "
     "\\mathbf v_c)$'", True),
    # the alternative in a parenthesis right after it
    ("The gradient {{c1::vanishes}} (or explodes) over long spans.", True),
    # ... or in its own hint
    ("Adam keeps {{c1::two moment estimates::two moment estimates of the gradient}}.", True),
    # near misses: trivial words, a different word, styling only, another number
    ("The {{c1::encoder}} reads the input and a decoder-free model skips it.", False),
    ("Pooling takes {{c1::the max}} of each window; a window has a size.", False),
    ("Dropout zeroes units {{c1::at random}} in training.", False),
    ("'$\\sigma(x) = {{c1::1 / (1 + e^{-x})}}$ and $\\tanh$ is its rescaling'", False),
    ("BERT-base has {{c1::12}} layers and {{c2::768}} hidden units.", False),
    ("Its derivative peaks at {{c1::1}} where $x = 1$.", False),  # one-digit numbers
    ("The rate is {{c1::vanishing}} (and it is small).", False),
])
def test_cloze_giveaway(mini: Path, text: str, fires: bool) -> None:
    path, warnings = warnings_for(mini, cloze(text))
    hits = [w for w in warnings if "cloze c" in w]
    assert bool(hits) == fires, hits
    if fires:
        assert hits[0].startswith(f"{path}:5:"), hits  # the line of the deletion


def test_cloze_giveaway_points_at_the_deletion_line(mini: Path) -> None:
    path, warnings = warnings_for(mini, """\
        topic: alpha
        cards:
          - id: c-2
            type: cloze
            text: >-
              A latent diffusion model first trains an autoencoder,
              then the {{c2::diffusion model}} on its latents.
            tags: []
            source: s 2020
        """)
    assert [w for w in warnings if "cloze c2" in w][0].startswith(f"{path}:7:16:")


@pytest.mark.parametrize(("question", "fires"), [
    ("In that network $W$ is $h$ by $d$. What is the shape of its gradient?", True),
    ("As in the previous card, what is the learning rate?", True),
    ("With the same model, how many heads are there?", True),
    ("Using the numbers above, what is the loss?", True),
    ("What does the example above print?", True),
    ("As before, what is the output shape?", True),
    ("That network has $W$ of $h$ by $d$. What is the shape of its gradient?", True),
    ("With the weights given earlier, what is the output?", True),
    ("Which constraint keeps it stable, so that model outputs stay bounded?", False),
    ("Which layer normalises over the features, so that model outputs stay stable?", False),
    ("AlexNet trained six times faster than the same network with tanh units. Why?", False),
    ("What is the value just above 65504 in fp16?", False),
    ("Which tokens does the previous layer attend to?", False),
])
def test_question_that_leans_on_another_card(mini: Path, question: str, fires: bool) -> None:
    path, warnings = warnings_for(mini, f"""\
        topic: alpha
        cards:
          - id: q-1
            type: typed
            question: "{question}"
            answers: ["x"]
            tags: []
            source: s 2020
        """)
    hits = [w for w in warnings if "refers to another card" in w]
    assert bool(hits) == fires, hits
    if fires:
        assert hits[0].startswith(f"{path}:5:")


def test_redundant_typed_answers(mini: Path) -> None:
    path, warnings = warnings_for(mini, """\
        topic: alpha
        cards:
          - id: t-1
            type: typed
            question: What fraction?
            answers: ["3/4", "0.75", ".75", "75 %", "three quarters", "0.7"]
            tags: []
            source: s 2020
          - id: t-2
            type: typed
            question: What is the shape?
            answers: ["(h, d)", "h x d", "h*d", "hd"]
            tags: []
            source: s 2020
          - id: t-3
            type: typed
            question: Which?
            answers: ["B-PER I-PER", "I-PER B-PER"]
            tags: []
            source: s 2020
        """)
    hits = [w for w in warnings if "already accepted" in w]
    quoted = sorted(w.split("answer ", 1)[1].split(" is ", 1)[0] for w in hits)
    assert quoted == sorted(["'0.75'", "'.75'", "'75 %'", "'three quarters'", "'h x d'",
                             "'h*d'"]), hits
    assert f"{path}:6:22: answer '0.75' is already accepted as '3/4' (numbers compare as " \
           "numbers); leave it out" in hits


def test_redundant_means_the_grader_accepts_it_without_it(mini: Path) -> None:
    # The lint asks the grader, on the card without the answer it calls redundant: each
    # one it names is accepted once all of them are left out, and none other is named.
    from study.grading import check_typed

    _, warnings = warnings_for(mini, """\
        topic: alpha
        cards:
          - id: t-1
            type: typed
            question: What is the receptive field of one output unit?
            answers: ["7x7", "7", "7 x 7", "7 by 7"]
            tags: []
            source: s 2020
          - id: t-2
            type: typed
            question: How many pixels (width then height)?
            answers: ["600x400", "(600, 400)"]
            tags: []
            source: s 2020
          - id: t-3
            type: typed
            question: How many parameters does it have?
            answers: ["11B", "11 billion", "11B parameters", "110M"]
            tags: []
            source: s 2020
        """)
    hits = [w for w in warnings if "already accepted" in w]
    named = {w.split("answer ", 1)[1].split(" is ", 1)[0].strip("'") for w in hits}
    assert named == {"7 x 7", "7 by 7", "(600, 400)", "11 billion", "11B parameters"}, hits
    cards = load([(mini, "bundled")]).content.cards
    for card in cards.values():
        mine = [a for a in card.answers if a in named]
        card.answers = [a for a in card.answers if a not in named]
        assert all(check_typed(card, a) for a in mine), (card.id, mine)
        assert not check_typed(card, "400x600") and not check_typed(card, "5 by 7")


@pytest.mark.parametrize(("term", "use", "fires"), [
    # a plural and its singular are one word, however the plural is spelt
    ("sequence", "It reads variable-length sequences.", False),
    ("sequences", "It reads one sequence.", False),
    ("trace", "Autograd records traces.", False),
    ("bias", "Both biases are zero.", False),
    ("bounding box", "Anchor boxes and bounding boxes.", False),
    ("query", "The queries attend.", False),
    ("sequence", "It reads one sentence.", True),
    ("bias", "The bin is empty.", True),
])
def test_a_glossary_term_in_another_number_is_used(mini: Path, term: str, use: str,
                                                   fires: bool) -> None:
    path, warnings = warnings_for(mini, GLOSSARIES.format(topic="alpha", term=term, use=use))
    unused = [w for w in warnings if "used by no other card" in w and repr(term) in w]
    assert bool(unused) == fires, warnings


def test_a_head_noun_never_makes_two_terms_one(mini: Path) -> None:
    # "value function" read as "value" counts as a use, never as the term "value".
    warnings_for(mini, GLOSSARIES.format(topic="alpha", term="value", use="An RNN value."),
                 "ga.yaml")
    _, warnings = warnings_for(mini, GLOSSARIES.format(
        topic="beta", term="value function", use="An RNN and its value function."), "gb.yaml")
    shared = [w for w in warnings if "is also in" in w]
    assert shared and all("recurrent neural network" in w for w in shared), shared


GLOSSARIES = """\
    topic: {topic}
    cards:
      - id: {topic}-glossary
        type: basic
        front: "Key terms: {topic}"
        back: |
          | English | 中文 |
          |---|---|
          | {term} | 术语 |
          | recurrent neural network | 循环神经网络 |
        tags: [glossary]
        source: d2l zh 8.4
      - id: {topic}-use
        type: basic
        front: What does an RNN keep?
        back: {use}
        tags: []
        source: d2l 9.4
    """


def test_glossary_shared_and_unused_terms(mini: Path) -> None:
    path_a, _ = warnings_for(mini, GLOSSARIES.format(
        topic="alpha", term="batch normalization (BN)", use="A hidden state; see BN."), "ga.yaml")
    path_b, warnings = warnings_for(mini, GLOSSARIES.format(
        topic="beta", term="Batch normalisation / BN", use="Its hidden state."), "gb.yaml")
    shared = [w for w in warnings if "is also in" in w]
    # "BN" is in both; the later card (in load order) is the one warned
    assert len(shared) == 2 and all(w.startswith(f"{path_b}:") for w in shared), shared
    assert any(w.startswith(f"{path_b}:9:") and "'alpha-glossary'" in w for w in shared)
    unused = [w for w in warnings if "used by no other card" in w]
    # alpha's cards say "BN" (the term's short form); beta's never name batch norm; both say
    # "RNN", the initials of recurrent neural network
    assert [w.split(":")[:2] for w in unused] == [[str(path_b), "9"]], unused


def test_cli_prints_warnings_to_stderr_and_exits_0(mini: Path, tmp_path: Path) -> None:
    warnings_for(mini, cloze("In the encoder-decoder design the {{c1::encoder}} reads."))
    proc = subprocess.run([sys.executable, "-m", "study", "content", "check", str(mini)],
                          capture_output=True, text=True, timeout=120,
                          env={"STUDY_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("ok: ") and "warning(s)" in proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ": warning: " in ln]
    assert lines and all(ln.startswith(str(mini)) for ln in lines), proc.stderr[:2000]


@pytest.mark.parametrize(("row", "fires"), [
    ("| batch normalization | 批量规范化 / 批归一化 |", False),
    ("| batch normalization (BN) | 批量规范化（批归一化） |", False),
    ("| batch normalization | 批量规范化 |", True),  # d2l-zh's only: most readers know 批归一化
    ("| batch normalization | 批归一化 |", True),  # the common one only: d2l-zh's goes first
    ("| batch normalization | 批归一化 / 批量规范化 |", True),
    ("| beam search | 束搜索 / 集束搜索 |", False),
    ("| tokens | 词元 |", True),
    ("| receptive field | 感受野 |", False),  # d2l-zh and common usage agree
])
def test_glossary_gives_d2l_zh_and_the_common_term(mini: Path, row: str, fires: bool) -> None:
    path, warnings = warnings_for(mini, f"""\
        topic: alpha
        cards:
          - id: alpha-glossary
            type: basic
            front: "Key terms: alpha"
            back: |
              | English | 中文 |
              |---|---|
              {row}
            tags: [glossary]
            source: d2l zh 7.5
        """)
    hits = [w for w in warnings if "d2l-zh" in w]
    assert bool(hits) == fires, hits
    if fires:
        assert hits[0].startswith(f"{path}:9:9:")


def test_initials_do_not_make_two_terms_one(mini: Path) -> None:
    # "encoder-decoder attention" and "exploratory data analysis (EDA)" share initials only.
    warnings_for(mini, GLOSSARIES.format(topic="alpha", term="encoder-decoder attention",
                                         use="An RNN."), "ga.yaml")
    _, warnings = warnings_for(mini, GLOSSARIES.format(
        topic="beta", term="exploratory data analysis (EDA)", use="An RNN."), "gb.yaml")
    shared = [w for w in warnings if "is also in" in w]
    assert shared and all("recurrent neural network" in w for w in shared), shared


def _mcqs(positions: list[int]) -> str:
    cards = "".join(f"""
          - id: m-{i}
            type: mcq
            question: Which one, {i}?
            choices: [w, x, y, z]
            answer: {a}
            explanation: Because.
            tags: []
            source: s 2020
""" for i, a in enumerate(positions))
    return "        topic: alpha\n        cards:" + cards


# The mini content already has one MCQ in the track, whose right answer is (b).
@pytest.mark.parametrize(("positions", "fires"), [
    ([0, 0, 0, 0, 0, 2, 3], True),  # 5 of 8 are (a)
    ([1, 1, 1, 1, 1, 0, 2, 3, 0, 2], True),  # 6 of 11 are (b)
    ([0, 0, 0, 2, 3], False),  # exactly half is not more than half
    ([0, 1, 2, 3, 0, 1, 2], False),
    ([0, 0, 0, 0], False),  # too few to mean anything
])
def test_a_track_whose_right_answers_sit_at_one_position(mini: Path, positions: list[int],
                                                        fires: bool) -> None:
    path, warnings = warnings_for(mini, _mcqs(positions))
    hits = [w for w in warnings if "MCQ right answers" in w]
    assert len(hits) == (1 if fires else 0), hits
    if fires:
        top = max(set(positions), key=positions.count)
        assert f"are choice {'abcd'[top]}" in hits[0]
    if fires and top == 0:  # at the `answer:` of the first card with its right answer there
        assert hits[0].startswith(f"{path}:7:13:"), hits
