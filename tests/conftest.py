from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from study.core import Study, open_study
from study.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

MINI_CURRICULUM = """\
tracks:
  - id: basics
    title: Basics
    title_zh: 基础
    topics:
      - id: alpha
        title: Alpha
        title_zh: 甲
        prerequisites: []
      - id: beta
        title: Beta
        title_zh: 乙
        prerequisites: [alpha]
      - id: gamma
        title: Gamma
        title_zh: 丙
        prerequisites: [empty-topic]
      - id: empty-topic
        title: A topic without content
        prerequisites: []
"""


def _card_file(topic: str, n: int, prefix: str) -> str:
    cards = []
    for i in range(n):
        cards.append(
            f"  - id: {prefix}-{i}\n    type: basic\n    front: {topic} question {i}\n"
            f"    back: {topic} answer {i}\n    tags: []\n    source: test\n"
        )
    return f"topic: {topic}\ncards:\n" + "".join(cards)


MINI_EXTRA = """\
topic: alpha
cards:
  - id: alpha-cloze
    type: cloze
    text: "The {{c1::first}} and the {{c2::second}} deletion."
    tags: [cloze]
    source: test
  - id: alpha-mcq
    type: mcq
    question: Pick b.
    choices: [aa, bb, cc]
    answer: 1
    explanation: b is bb.
    tags: []
    source: test
  - id: alpha-typed
    type: typed
    question: Say Hello, World.
    answers: ["hello world"]
    normalize: [case, whitespace, punctuation]
    tags: []
    source: test
"""


def write_mini(root: Path, n_alpha: int = 3, n_beta: int = 3, n_gamma: int = 2) -> Path:
    """A small, valid content directory: 3 topics with cards, one empty prerequisite."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "content" / "curriculum.yaml").write_text(MINI_CURRICULUM)
    cards = root / "cards" / "basics"
    cards.mkdir(parents=True, exist_ok=True)
    (cards / "alpha.yaml").write_text(_card_file("alpha", n_alpha, "a"))
    (cards / "alpha-extra.yaml").write_text(MINI_EXTRA)
    (cards / "beta.yaml").write_text(_card_file("beta", n_beta, "b"))
    (cards / "gamma.yaml").write_text(_card_file("gamma", n_gamma, "g"))
    return root


def write_kata(root: Path, kata_id: str, topic: str) -> Path:
    folder = root / "exercises" / kata_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kata.yaml").write_text(textwrap.dedent(f"""\
        id: {kata_id}
        title: Kata {kata_id}
        topic: {topic}
        difficulty: 2
        function: solve
        signature: "solve(x: Tensor) -> Tensor"
        prompt: Implement it.
        hints: [first hint, second hint]
        time_budget_min: 15
        source: test
        """))
    for name in ("starter.py", "solution.py", "check.py"):
        (folder / name).write_text("# placeholder\n")
    return folder


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches the real home, clock or settings of the machine."""
    for key in list(os.environ):
        if key.startswith("STUDY_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("STUDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def no_warm_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kata screen starts a PyTorch worker in the background; not in the TUI tests
    (they use it with `pytestmark = pytest.mark.usefixtures("no_warm_worker")`)."""
    monkeypatch.setenv("STUDY_KATA_WORKER", "0")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A small content tree with one real kata (the TUI tests' content)."""
    from tui_helpers import content_with_kata

    return content_with_kata(tmp_path / "content")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return write_mini(tmp_path / "mini")


@pytest.fixture
def make_study(tmp_path: Path, mini: Path) -> Iterator[Callable[..., Study]]:
    opened: list[Study] = []

    def factory(home: Path | None = None, root: Path | None = None, **settings: object) -> Study:
        s = Settings(**{"timezone": "UTC", **settings})  # type: ignore[arg-type]
        study = open_study(home or tmp_path / "home", settings=s,
                           roots=[(root or mini, "bundled")])
        opened.append(study)
        return study

    yield factory
    for s in opened:
        s.close()


T0 = datetime.fromisoformat("2026-03-02T12:00:00+00:00")


def fast_softmax_world(root: Path, timeout_s: int, now: str) -> tuple[Path, Path, dict[str, str]]:
    """A content dir holding a copy of the softmax kata as `softmax-fast` (on topic alpha,
    with its own time limit), a home beside it, and the environment that points study at
    both: (content, kata folder, env). For tests that go through the real CLI and worker."""
    import shutil

    content = root / "content"
    (content / "content").mkdir(parents=True)
    (content / "content" / "curriculum.yaml").write_text(MINI_CURRICULUM)
    kata = content / "exercises" / "softmax-fast"
    shutil.copytree(REPO / "exercises" / "softmax", kata)
    meta = (kata / "kata.yaml").read_text()
    meta = meta.replace("id: softmax\n", "id: softmax-fast\n")
    meta = meta.replace("timeout_s: 20", f"timeout_s: {timeout_s}")
    meta = meta.replace("topic: information-theory\nalso_topics: [softmax-regression]",
                        "topic: alpha")
    (kata / "kata.yaml").write_text(meta)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDY_")}
    env.update(STUDY_HOME=str(root / "home"), STUDY_NOW=now, TZ="UTC",
               STUDY_BUNDLED_CONTENT="0", STUDY_CONTENT_DIRS=str(content),
               STUDY_KATA_IDLE_S="300", STUDY_KATA_DEVICE="cpu")
    return content, kata, env
