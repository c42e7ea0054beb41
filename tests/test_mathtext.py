"""LaTeX math shown in Unicode for the terminal (study.mathtext)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from study import cloze
from study.mathtext import render_math, to_unicode

CARDS = Path(__file__).resolve().parent.parent / "cards"


@pytest.mark.parametrize(("latex", "expected"), [
    (r"\alpha + \beta", "α + β"),
    (r"\Omega \varepsilon \vartheta", "Ω ε ϑ"),
    (r"\epsilon = 0.1", "ε = 0.1"),
    (r"m \times m", "m × m"),
    (r"2\cdot 3", "2·3"),
    (r"a \approx 0.5", "a ≈ 0.5"),
    (r"x \in \mathbb{R}", "x ∈ ℝ"),
    (r"\mathbb E[X]", "𝔼[X]"),
    (r"\mathcal{L}(\theta)", "ℒ(θ)"),
    (r"\mathcal N(\mathbf 0, \mathbf I)", "𝒩(0, I)"),
    (r"\log x", "log x"),
    (r"\arg\max_x f", "arg maxₓ f"),
    (r"\operatorname{softmax}(x)", "softmax(x)"),
    (r"\|\mathbf x\|_2", "‖x‖₂"),
    (r"\left(a\right)", "(a)"),
    (r"\{1, \ldots, T\}", "{1, …, T}"),
    (r"\hat y_i", "y\u0302ᵢ"),
    (r"\bar\alpha_t", "α\u0304ₜ"),
    (r"\tilde{x}", "x̃"),
    (r"a\,b\!c", "a bc"),
    (r"d_\text{model}", "d_(model)"),
    (r"\nabla f(\mathbf x)", "∇f(x)"),
    (r"-\infty", "-∞"),
])
def test_symbols_fonts_and_accents(latex: str, expected: str) -> None:
    assert to_unicode(latex) == expected


@pytest.mark.parametrize(("latex", "expected"), [
    ("x^2", "x²"),
    ("x_{t-1}", "xₜ₋₁"),
    ("e^{-x}", "e⁻ˣ"),
    ("W^{(l)}", "W⁽ˡ⁾"),
    ("x_{ij}", "xᵢⱼ"),
    (r"A^\top A", "Aᵀ A"),
    ("A^T", "Aᵀ"),
    (r"\sum_{i=1}^n x_i", "∑ᵢ₌₁ⁿ xᵢ"),
    ("10^{-4}", "10⁻⁴"),
])
def test_scripts_with_unicode_characters(latex: str, expected: str) -> None:
    assert to_unicode(latex) == expected


@pytest.mark.parametrize(("latex", "expected"), [
    ("x^{QK}", "x^(QK)"),  # no superscript Q
    ("W_q^{KQ}", "W_q^(KQ)"),
    ("x_{i,j}", "x_(i,j)"),
    (r"\theta_\omega", "θ_ω"),  # one character: no parentheses needed
    ("t^{-1/2}", "t^(-1/2)"),
    ("PE_{(pos,2i)}", "PE_(pos,2i)"),  # already parenthesised
])
def test_scripts_fall_back_to_parentheses(latex: str, expected: str) -> None:
    assert to_unicode(latex) == expected


@pytest.mark.parametrize(("latex", "expected"), [
    (r"\frac{a}{b}", "a/b"),
    (r"\frac{a+b}{c+d}", "(a+b)/(c+d)"),
    (r"\dfrac{dy}{dx}", "dy/dx"),
    (r"\tfrac12", "1/2"),
    (r"\frac{\partial y}{\partial x_i}", "∂y/∂xᵢ"),
    (r"\frac{QK^\top}{\sqrt{d_k}}", "QKᵀ/√dₖ"),
    (r"\frac{1}{Z}\prod_i \phi_i", "(1/Z)∏ᵢ φᵢ"),  # glued to what follows
    (r"\sqrt{x}", "√x"),
    (r"\sqrt{d_k}", "√dₖ"),
    (r"\sqrt{2\pi}", "√(2π)"),
    (r"\sqrt{1 - \bar\alpha_t}", "√(1 - α\u0304ₜ)"),
    (r"\sqrt[3]{x}", "∛x"),
])
def test_fractions_and_roots(latex: str, expected: str) -> None:
    assert to_unicode(latex) == expected


@pytest.mark.parametrize("latex", [
    r"\foo x",  # unknown command
    r"\begin{bmatrix}1&2\\3&4\end{bmatrix}",
    r"\begin{cases} a & b \end{cases}",
    r"a \over b",
    r"\matrix{a}",
    r"\frac{a}{b",  # unbalanced
    "a}",
    "{a",
    r"\hat{xy}",  # one hat over two letters has no faithful plain form
    r"\frac{1}{ {{c1::\sqrt{d_k} }} }",  # a cloze marker inside math
])
def test_unrenderable_gives_none(latex: str) -> None:
    assert to_unicode(latex) is None


def test_inline_math_in_prose() -> None:
    assert render_math(r"Scale by $\sqrt{d_k}$ for $x_i$.") == "Scale by √dₖ for xᵢ."


def test_markdown_characters_in_results_are_escaped() -> None:
    # `_` of a fallback script and `|` of \mid would otherwise be Markdown syntax.
    assert render_math(r"$d_\text{model}$, $p(a \mid b)$") == r"d\_(model), p(a \| b)"


def test_unrenderable_math_shows_its_source_as_code() -> None:
    text = r"Here $\begin{pmatrix}a\end{pmatrix}$ ends."
    assert render_math(text) == r"Here `\begin{pmatrix}a\end{pmatrix}` ends."


def test_code_blocks_and_inline_code_are_left_alone() -> None:
    text = "Use `$x^2$` or\n\n```python\ns = '$\\alpha$'\n```\n\nbut $\\alpha$ here."
    out = render_math(text)
    assert "`$x^2$`" in out
    assert "```python\ns = '$\\alpha$'\n```" in out
    assert out.endswith("but α here.")


@pytest.mark.parametrize("text", [
    "It costs $5 and $6 today.",
    "Only $5.",
    r"An escaped \$5 and \$x\$ stay dollars.",
    "No math at all.",
])
def test_currency_dollars_are_untouched(text: str) -> None:
    assert render_math(text) == text


def test_display_math_gets_its_own_paragraph() -> None:
    out = render_math(r"Then $$\frac{a+b}{c}$$ where $c$ is big.")
    assert out == "Then\n\n\u2003\u2003(a+b)/c\n\nwhere c is big."


def test_display_math_keeps_its_full_stop_and_list_item() -> None:
    out = render_math("- see\n  $$x^2$$.\n- next")
    assert out == "- see\n\n  \u2003\u2003x².\n\n- next"


def test_display_math_alone_and_in_a_table() -> None:
    assert render_math("$$x_i$$") == "\u2003\u2003xᵢ"
    assert render_math("| a | $$x_i$$ |") == "| a | xᵢ |"


def test_display_math_that_cannot_be_converted_shows_source() -> None:
    out = render_math("A\n$$\\begin{bmatrix}1 & 2\\\\ 3 & 4\\end{bmatrix}$$\nB")
    assert out == "A\n\n\u2003\u2003`\\begin{bmatrix}1 & 2\\\\ 3 & 4\\end{bmatrix}`\n\nB"


def test_cloze_marks_inside_math_stay_bold() -> None:
    text = r"$\frac{dy}{dx} = {{c1::\frac{dy}{du}\frac{du}{dx} }}$"
    assert render_math(cloze.render(text, 1, reveal=False, mark=("**[", "]**"))) == \
        "dy/dx = **[...]**"
    assert render_math(cloze.render(text, 1, reveal=True, mark=("**", "**"))) == \
        "dy/dx = **(dy/du)(du/dx)**"


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_every_card_text_renders() -> None:
    texts = [s for p in sorted(CARDS.rglob("*.yaml"))
             for s in _strings(yaml.safe_load(p.read_text(encoding="utf-8")))]
    assert len(texts) > 100
    converted = 0
    for text in texts:
        variants = [text]
        if "{{c" in text:
            deletions, problems = cloze.parse(text)
            if not problems:
                for n in cloze.numbers(deletions):
                    variants.append(cloze.render(text, n, reveal=False, mark=("**[", "]**")))
                    variants.append(cloze.render(text, n, reveal=True, mark=("**", "**")))
        for variant in variants:
            out = render_math(variant)
            assert isinstance(out, str)
            converted += out != variant
    assert converted > 100  # the cards really do use math, and it is converted


def test_headless() -> None:
    code = ("import sys, study.mathtext; "
            "assert 'textual' not in sys.modules and 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=CARDS.parent)


# -- one renderer for the app, line mode and Anki ----------------------------------------------

RUN_BLOCK = ("Shapes:\n\n```python run\nimport torch\nx = torch.ones(2, 3)\n"
             "assert x.shape == (2, 3)\n```\n\nso $x \\in \\mathbb{R}^{2 \\times 3}$ and **bold**.")


def test_run_marker_is_python_and_never_shown_anywhere() -> None:
    from study import cardtext
    from study.render import clean_fences, fence_language, to_html

    assert fence_language("python run") == "python"
    assert fence_language("run") == "python"
    assert fence_language("yaml") == "yaml"
    assert fence_language("") == ""
    app = cardtext.math(RUN_BLOCK)  # what the app's Markdown widget gets
    assert "```python\n" in app and "run" not in app.split("```python")[1].split("\n")[0]
    html = to_html(RUN_BLOCK).html  # what Anki gets
    assert 'class="language-python"' in html and "<span style" in html  # highlighted
    assert "python run" not in html
    line = cardtext.plain(app)  # what line mode prints
    assert "```" not in line and "python run" not in line
    assert "    x = torch.ones(2, 3)" in line  # code indented, as a block
    assert "x ∈ ℝ" in line and "$" not in line and "**" not in line and "bold" in line
    assert clean_fences("~~~~ run\nx\n~~~~") == "~~~~python\nx\n~~~~"


def test_bundled_run_blocks_are_highlighted_in_every_renderer() -> None:
    from study import cardtext
    from study.loader import load
    from study.paths import bundled_root

    content = load([(bundled_root(), "bundled")]).content
    texts = [t for c in content.cards.values()
             for t in (getattr(c, f, "") or "" for f in ("front", "back", "explain", "text"))
             if "```python run" in t]
    assert len(texts) > 100
    for text in texts:
        assert "python run" not in cardtext.math(text)
        assert "```" not in cardtext.plain(cardtext.math(text))


def test_line_mode_shows_markdown_as_plain_text_and_math_as_unicode() -> None:
    from study.cardtext import plain

    text = plain("# Title\n\nA **b** and `c`, [link](https://x.org).\n\n- one\n- two\n\n"
                 "| English | 中文 |\n|---|---|\n| label | 标签 |\n")
    assert text.splitlines()[0] == "Title"
    assert "A b and c, link (https://x.org)." in text
    assert "• one\n• two" in text
    assert "English  中文" in text and "label    标签" in text  # aligned by terminal width
