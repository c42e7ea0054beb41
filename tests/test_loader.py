"""The content loader and validator: each kind of problem, with file:line:col."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import write_kata, write_mini

from study.loader import load


def problems_for(root: Path, extra: list[tuple[Path, str]] | None = None) -> list[str]:
    roots = [(root, "bundled")] + (extra or [])
    return [str(p) for p in load(roots).problems]


def add_cards(root: Path, name: str, body: str) -> Path:
    path = root / "cards" / "basics" / name
    path.write_text(textwrap.dedent(body))
    return path


def test_mini_content_is_valid(mini: Path) -> None:
    result = load([(mini, "bundled")])
    assert result.problems == []
    c = result.content
    assert list(c.topics) == ["alpha", "beta", "gamma", "empty-topic"]
    assert c.cards["alpha-cloze"].deletions == [1, 2]
    assert c.cards["alpha-mcq"].answer == [1]
    ids = [it.id for it in c.items()]
    assert "alpha-cloze#c1" in ids and "alpha-cloze#c2" in ids
    # curriculum order: every alpha item before any beta item
    topics = [it.topic for it in c.items()]
    assert topics.index("beta") > max(i for i, t in enumerate(topics) if t == "alpha")


def test_unknown_key_has_position_and_suggestion(mini: Path) -> None:
    path = add_cards(mini, "bad.yaml", """\
        topic: alpha
        cards:
          - id: bad-1
            type: basic
            front: f
            back: b
            tags: []
            soruce: typo
        """)
    probs = problems_for(mini)
    assert f"{path}:8:5: unknown key 'soruce' in basic card (did you mean 'source'?)" in probs
    assert any(p.startswith(f"{path}:3:5:") and "missing required key 'source'" in p
               for p in probs)


def test_wrong_types_and_empty_strings(mini: Path) -> None:
    path = add_cards(mini, "bad.yaml", """\
        topic: alpha
        cards:
          - id: bad-1
            type: basic
            front: [not, text]
            back: ""
            tags: notalist
            source: s
        """)
    probs = problems_for(mini)
    assert f"{path}:5:12: front must be text, got a list" in probs
    assert f"{path}:6:11: back must not be empty" in probs
    assert f"{path}:7:11: tags must be a list, got text" in probs


def test_duplicate_ids_across_files(mini: Path) -> None:
    path = add_cards(mini, "dup.yaml", """\
        topic: beta
        cards:
          - {id: a-0, type: basic, front: f, back: b, tags: [], source: s}
        """)
    probs = problems_for(mini)
    first = mini / "cards" / "basics" / "alpha.yaml"
    assert any(p.startswith(f"{path}:3:10: duplicate card id 'a-0' (first defined at {first}:3")
               for p in probs), probs


def test_unknown_topic_and_prerequisite(mini: Path) -> None:
    path = add_cards(mini, "t.yaml", """\
        topic: alpah
        cards:
          - {id: t-1, type: basic, front: f, back: b, tags: [], source: s}
        """)
    cur = mini / "content" / "curriculum.yaml"
    cur.write_text(cur.read_text().replace("prerequisites: [alpha]", "prerequisites: [alfa]"))
    probs = problems_for(mini)
    assert f"{path}:1:8: unknown topic 'alpah' (did you mean 'alpha'?)" in probs
    assert any(p.startswith(f"{cur}:") and "unknown prerequisite topic 'alfa'" in p
               for p in probs)


def test_prerequisite_cycle(mini: Path) -> None:
    cur = mini / "content" / "curriculum.yaml"
    text = cur.read_text().replace(
        "id: alpha\n        title: Alpha\n        title_zh: 甲\n        prerequisites: []",
        "id: alpha\n        title: Alpha\n        title_zh: 甲\n        prerequisites: [beta]",
    )
    cur.write_text(text)
    probs = problems_for(mini)
    assert any("prerequisite cycle: alpha -> beta -> alpha" in p for p in probs), probs


def test_cloze_problems(mini: Path) -> None:
    path = add_cards(mini, "c.yaml", """\
        topic: alpha
        cards:
          - {id: c-none, type: cloze, text: "no deletions here", tags: [], source: s}
          - {id: c-bad, type: cloze, text: "broken {{c1:oops}} here", tags: [], source: s}
          - {id: c-open, type: cloze, text: "never {{c1::closed", tags: [], source: s}
          - {id: c-zero, type: cloze, text: "zero {{c0::x}}", tags: [], source: s}
          - {id: c-math, type: cloze, text: "{{c1::$a^{b}}$}}", tags: [], source: s}
        """)
    probs = problems_for(mini)
    assert any(p.startswith(f"{path}:3:") and "has no deletions" in p for p in probs)
    assert any(p.startswith(f"{path}:4:") and "malformed cloze deletion" in p for p in probs)
    assert any(p.startswith(f"{path}:5:") and "never closed" in p for p in probs)
    assert any(p.startswith(f"{path}:6:") and "start at c1" in p for p in probs)
    assert any(p.startswith(f"{path}:7:") and "ends inside math" in p for p in probs)


def test_mcq_problems(mini: Path) -> None:
    path = add_cards(mini, "m.yaml", """\
        topic: alpha
        cards:
          - id: m-range
            type: mcq
            question: q
            choices: [x, y, z]
            answer: 3
            explanation: e
            tags: []
            source: s
          - id: m-one
            type: mcq
            question: q
            choices: [only]
            answer: 0
            explanation: e
            tags: []
            source: s
        """)
    probs = problems_for(mini)
    assert (f"{path}:7:13: mcq answer index 3 is out of range: there are 3 choices (0-2)"
            in probs)
    assert f"{path}:14:14: choices must have 2-6 entries, got 1" in probs


def test_invalid_yaml_reports_parser_position(mini: Path) -> None:
    path = add_cards(mini, "broken.yaml", """\
        topic: alpha
        cards:
          - id: x
            front: "unterminated
        """)
    probs = problems_for(mini)
    assert len([p for p in probs if p.startswith(str(path))]) == 1
    assert any(p.startswith(f"{path}:5:1: invalid YAML") for p in probs), probs


def test_many_problems_are_all_reported(mini: Path) -> None:
    add_cards(mini, "many.yaml", """\
        topic: alpha
        cards:
          - {id: "Bad Id", type: basic, front: f, back: b, tags: [], source: s}
          - {id: ok-1, type: nope, tags: [], source: s}
          - {id: ok-2, type: typed, question: q, answers: [], tags: [], source: s}
          - {id: ok-3, type: typed, question: q, answers: [a], normalize: [loud], tags: [],
             source: s}
          - {id: ok-4, type: basic, front: f, back: b, tags: [has space], source: s}
        """)
    probs = problems_for(mini)
    assert any("not a valid id" in p for p in probs)
    assert any("unknown card type 'nope'" in p for p in probs)
    assert any("answers must have at least 1 entries" in p for p in probs)
    assert any("unknown normalize rule(s) 'loud'" in p for p in probs)
    assert any("must not contain spaces" in p for p in probs)
    assert len(probs) >= 5


def test_user_ids_may_not_collide_with_bundled(mini: Path, tmp_path: Path) -> None:
    user = tmp_path / "user"
    (user / "cards" / "mine").mkdir(parents=True)
    path = user / "cards" / "mine" / "x.yaml"
    path.write_text("topic: alpha\ncards:\n"
                    "  - {id: a-1, type: basic, front: f, back: b, tags: [], source: s}\n"
                    "  - {id: mine-1, type: basic, front: f, back: b, tags: [], source: s}\n")
    result = load([(mini, "bundled"), (user, "user")])
    msgs = [str(p) for p in result.problems]
    assert any(m.startswith(f"{path}:3:10: card id 'a-1' is already used by bundled content")
               for m in msgs), msgs
    assert "mine-1" in result.content.cards  # the rest of the user's content still loads
    assert result.content.cards["a-1"].ref.path != path  # the bundled card is kept


def test_user_curriculum_extends_bundled(mini: Path, tmp_path: Path) -> None:
    user = tmp_path / "user"
    (user / "content").mkdir(parents=True)
    (user / "content" / "curriculum.yaml").write_text(
        "tracks:\n  - id: mine\n    title: Mine\n    topics:\n"
        "      - {id: my-topic, title: Mine, prerequisites: [beta]}\n")
    (user / "cards" / "mine").mkdir(parents=True)
    (user / "cards" / "mine" / "t.yaml").write_text(
        "topic: my-topic\ncards:\n"
        "  - {id: mine-1, type: basic, front: f, back: b, tags: [], source: s}\n")
    result = load([(mini, "bundled"), (user, "user")])
    assert result.problems == []
    assert result.content.topics["my-topic"].order > result.content.topics["gamma"].order


def test_kata_schema(mini: Path) -> None:
    write_kata(mini, "good-kata", "alpha")
    bad = write_kata(mini, "bad-kata", "alpha")
    (bad / "kata.yaml").write_text(textwrap.dedent("""\
        id: other-name
        title: Bad
        topic: nowhere
        difficulty: 9
        function: "not valid"
        signature: f()
        prompt: p
        hints: [only one]
        devices: [tpu]
        source: s
        """))
    (bad / "check.py").unlink()
    result = load([(mini, "bundled")])
    msgs = [str(p) for p in result.problems]
    y = bad / "kata.yaml"
    assert f"{y}:1:5: kata id 'other-name' must match its folder 'bad-kata'" in msgs
    assert f"{y}:3:8: unknown topic 'nowhere'" in msgs
    assert f"{y}:4:13: difficulty must be between 1 and 5, got 9" in msgs
    assert any(m.startswith(f"{y}:5:") and "not a Python identifier" in m for m in msgs)
    assert any(m.startswith(f"{y}:8:") and "hints must have at least 2" in m for m in msgs)
    assert any(m.startswith(f"{y}:9:") and "unknown device" in m for m in msgs)
    assert f"{y}:1:1: kata folder 'bad-kata' is missing check.py" in msgs
    assert "good-kata" in result.content.katas
    assert result.content.katas["good-kata"].hints == ["first hint", "second hint"]


def test_cli_check_prints_problems_and_exits_1(tmp_path: Path) -> None:
    user = write_mini(tmp_path / "u")
    # Rename every id so the user dir does not collide with itself-as-bundled.
    bad = user / "cards" / "basics" / "alpha.yaml"
    bad.write_text(bad.read_text().replace("source: test", "source: ''", 1))
    proc = subprocess.run(
        [sys.executable, "-m", "study", "content", "check", str(user)],
        capture_output=True, text=True,
    )
    # The mini set is loaded as user content next to the bundled set: the
    # empty source is reported, with its position, and the exit status is 1.
    assert proc.returncode == 1
    assert f"{bad}:8:13: source must not be empty" in proc.stdout


def test_math_with_a_space_before_the_closing_dollar_is_reported(mini: Path) -> None:
    path = add_cards(mini, "d.yaml", """\
        topic: alpha
        cards:
          - {id: d-1, type: basic, front: "The margin is $\\alpha = $ 0.2", back: b, tags: [],
             source: s}
          - {id: d-2, type: basic, front: "Costs \\\\$5 and $x_1$ in `$code`", back: b, tags: [],
             source: s}
        """)
    probs = problems_for(mini)
    assert any(p.startswith(f"{path}:3:") and "a '$' that opens or closes no math" in p
               for p in probs), probs
    assert not any(p.startswith(f"{path}:5:") for p in probs), probs


def test_typed_any_order_and_ignore_words(mini: Path) -> None:
    path = add_cards(mini, "typed.yaml", """\
        topic: alpha
        cards:
          - id: typed-ok
            type: typed
            question: Which boxes survive?
            answers: [A and C]
            any_order: true
            ignore_words: [boxes]
            tags: []
            source: s 2020
          - id: typed-bad
            type: typed
            question: q
            answers: [WordPiece]
            any_order: sometimes
            ignore_words: [wordpiece]
            tags: []
            source: s 2020
        """)
    result = load([(mini, "bundled")])
    ok = result.content.cards["typed-ok"]
    assert ok.any_order is True and ok.ignore_words == ("boxes",)
    assert "typed-bad" not in result.content.cards
    probs = [str(p) for p in result.problems]
    assert f"{path}:15:16: any_order must be true or false, got text" in probs
    assert any(p.startswith(f"{path}:16:19:") and "is an accepted answer itself" in p
               for p in probs)
