"""LaTeX math in card text, shown readably in a terminal: Unicode where it can be, source otherwise.

`to_unicode` turns one expression (without its dollars) into Unicode, or gives None when
something in it has no faithful plain-text form (environments, `\\over`, unknown commands,
unbalanced braces); `render_math` does that for every `$...$` / `$$...$$` span of a Markdown
text, finding the spans exactly as `study.render` does (never inside fenced code or inline
code; a lone `$`, e.g. currency, and an escaped `\\$` stay as they are). An expression that
cannot be converted is shown as its LaTeX source in inline code.

Headless: no Textual, no torch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from study.render import replace_math

# --- symbols ---------------------------------------------------------------------------------

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "varkappa": "ϰ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π",
    "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ",
    "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

# Binary operators and relations: the author's spacing around them is kept as written.
_OPS = {
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆",
    "circ": "∘", "bullet": "•", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "ominus": "⊖",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "leqslant": "⩽", "geqslant": "⩾",
    "ne": "≠", "neq": "≠", "lt": "<", "gt": ">", "ll": "≪", "gg": "≫",
    "approx": "≈", "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡", "propto": "∝",
    "doteq": "≐", "triangleq": "≜", "coloneqq": "≔", "prec": "≺", "succ": "≻",
    "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
    "supseteq": "⊇", "cup": "∪", "cap": "∩", "setminus": "∖", "wedge": "∧", "land": "∧",
    "vee": "∨", "lor": "∨", "neg": "¬", "lnot": "¬", "perp": "⊥", "parallel": "∥",
    "mid": "|", "colon": ":",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹",
    "impliedby": "⟸", "iff": "⟺", "mapsto": "↦", "longrightarrow": "⟶",
    "longleftarrow": "⟵", "longmapsto": "⟼", "uparrow": "↑", "downarrow": "↓",
    "rightleftharpoons": "⇌",
}

_SYMBOLS = {
    "infty": "∞", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "coprod": "∐",
    "int": "∫", "iint": "∬", "iiint": "∭", "oint": "∮", "bigcup": "⋃", "bigcap": "⋂",
    "bigoplus": "⨁", "bigotimes": "⨂", "bigodot": "⨀", "bigvee": "⋁", "bigwedge": "⋀",
    "ldots": "…", "dots": "…", "dotsc": "…", "dotsb": "⋯", "cdots": "⋯", "vdots": "⋮",
    "ddots": "⋱", "top": "⊤", "bot": "⊥", "forall": "∀", "exists": "∃", "nexists": "∄",
    "emptyset": "∅", "varnothing": "∅", "ell": "ℓ", "hbar": "ħ", "Re": "ℜ", "Im": "ℑ",
    "aleph": "ℵ", "prime": "′", "angle": "∠", "dagger": "†", "checkmark": "✓",
    "langle": "⟨", "rangle": "⟩", "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋",
    "lvert": "|", "rvert": "|", "vert": "|", "lVert": "‖", "rVert": "‖", "Vert": "‖",
    "lbrace": "{", "rbrace": "}", "backslash": "∖",
}

# Named operators, written as plain words.
_WORDS = {
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "coth", "log", "ln", "lg", "exp", "max", "min", "arg", "sup", "inf", "lim",
    "liminf", "limsup", "det", "dim", "ker", "deg", "gcd", "hom", "Pr", "tr", "argmax", "argmin",
}

_SPACES = {",": " ", ":": " ", ">": " ", ";": " ", " ": " ", "!": "", "quad": " ", "qquad": " ",
           "enspace": " ", "thinspace": " ", "medspace": " ", "thickspace": " ",
           "negthinspace": ""}
_ESCAPED = {"{": "{", "}": "}", "|": "‖", "%": "%", "$": "$", "_": "_", "&": "&", "#": "#"}
_DROPPED = {"left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
            "Bigr", "biggl", "biggr", "Biggl", "Biggr", "bigm", "Bigm", "displaystyle",
            "textstyle", "scriptstyle", "limits", "nolimits"}
_FONTS = {"mathbf", "mathrm", "mathit", "mathsf", "mathtt", "mathfrak", "mathcal", "mathbb",
          "mathscr", "boldsymbol", "bm", "pmb", "mathop", "operatorname", "mathnormal"}
_TEXTS = {"text", "textrm", "textbf", "textit", "textsf", "texttt", "mbox", "textnormal"}
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305",
            "underline": "\u0332", "tilde": "\u0303", "widetilde": "\u0303", "dot": "\u0307",
            "ddot": "\u0308", "vec": "\u20d7", "check": "\u030c", "breve": "\u0306",
            "acute": "\u0301", "grave": "\u0300", "mathring": "\u030a",
            "overrightarrow": "\u20d7", "overleftarrow": "\u20d6"}
_PER_CHAR_ACCENTS = {"bar", "overline", "underline"}  # a line over several letters reads well
_FRACS = {"frac", "dfrac", "tfrac", "cfrac"}

_SUP = dict(zip(
    "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδεθιφχ⊤*′'",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᵋᶿᶥᵠᵡᵀ*′′",
    strict=True))
_SUB = dict(zip(
    "0123456789+-−=()aehijklmnoprstuvxβγρφχ",
    "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
    strict=True))

_BB_HOLES = {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}
_CAL_HOLES = {"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ"}

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\\$|\s+|.", re.S)
_CLOZE = re.compile(r"\{\{c\d+::")
_OP_CHARS = (set("+-−=<>,/±∓·×÷:;") | set(_OPS.values())) - {"|"}


class _Unrenderable(Exception):
    pass


@dataclass
class _Atom:
    text: str
    kind: str = "sym"  # sym | op | word | space | frac


def _blackboard(c: str) -> str:
    if c in _BB_HOLES:
        return _BB_HOLES[c]
    if "A" <= c <= "Z":
        return chr(0x1D538 + ord(c) - ord("A"))
    if "a" <= c <= "z":
        return chr(0x1D552 + ord(c) - ord("a"))
    if "0" <= c <= "9":
        return chr(0x1D7D8 + ord(c) - ord("0"))
    return c


def _calligraphic(c: str) -> str:
    if c in _CAL_HOLES:
        return _CAL_HOLES[c]
    if "A" <= c <= "Z":
        return chr(0x1D49C + ord(c) - ord("A"))
    return c


_OPENERS = set("([{⟨⌊⌈*,;")
_CLOSERS = set(")]}⟩⌋⌉*,;")
_PREFIXES = {"partial", "nabla", "neg", "lnot"}  # ∂x, ∇f: no space after, whatever the source


def _bare_fractions(atoms: list[_Atom]) -> list[_Atom]:
    """A fraction written right against another symbol gets parentheses: (1/2)x, (a/b)(c/d)."""
    out = list(atoms)
    for n, atom in enumerate(atoms):
        if atom.kind != "frac":
            continue
        before = atoms[n - 1] if n else None
        after = atoms[n + 1] if n + 1 < len(atoms) else None
        glued = ((before is not None and before.kind not in ("op", "space")
                  and before.text[-1:] not in _OPENERS)
                 or (after is not None and after.kind not in ("op", "space")
                     and after.text[:1] not in _CLOSERS))
        if glued:
            out[n] = _Atom(f"({atom.text})")
    return out


def _even_spacing(atoms: list[_Atom]) -> list[_Atom]:
    """No space after an operator written without one before it: `2\\cdot 3` reads 2·3."""
    out: list[_Atom] = []
    for n, atom in enumerate(atoms):
        if atom.kind == "space" and n >= 2 and atoms[n - 1].kind == "op" \
                and atoms[n - 2].kind != "space":
            continue
        out.append(atom)
    return out


def _join(atoms: list[_Atom]) -> str:
    """Atoms as text: runs of space collapse; a word is kept apart from a following letter."""
    atoms = _bare_fractions(_even_spacing(atoms))
    out: list[str] = []
    prev: _Atom | None = None
    for atom in atoms:
        if atom.kind == "space":
            if out and out[-1] != " ":
                out.append(" ")
        else:
            if (prev is not None and prev.kind == "word" and out and out[-1] != " "
                    and atom.text[:1].isalnum()):
                out.append(" ")
            out.append(atom.text)
        prev = atom
    return "".join(out).strip()


def _solid(atoms: list[_Atom]) -> list[_Atom]:
    return [a for a in atoms if a.kind != "space"]


def _needs_parens_frac(atoms: list[_Atom]) -> bool:
    """A numerator or denominator needs parentheses unless it is a plain product (dy, 2π)."""
    solid = _solid(atoms)
    if len(solid) <= 1:
        return bool(solid) and solid[0].kind == "frac"
    return any(a.kind != "sym" or any(c in _OP_CHARS for c in a.text) for a in atoms)


def _script(text: str, table: dict[str, str], mark: str) -> str:
    text = text.replace(" ", "")
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    if len(text) == 1 or _wrapped(text):
        return mark + text
    return f"{mark}({text})"


def _wrapped(text: str) -> bool:
    """Whether the text is one parenthesised whole, like (pos,2i)."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for n, c in enumerate(text):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0 and n < len(text) - 1:
            return False
    return True


class _Parser:
    def __init__(self, latex: str) -> None:
        self.tokens = _TOKEN.findall(latex)
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise _Unrenderable("unexpected end")
        self.i += 1
        return tok

    def skip_space(self) -> None:
        while (tok := self.peek()) is not None and tok.isspace():
            self.i += 1

    def parse(self) -> str:
        atoms = self.sequence(closing=False)
        return _join(atoms)

    def sequence(self, closing: bool) -> list[_Atom]:
        """Atoms up to the closing brace (consumed) or, at the top level, the end."""
        atoms: list[_Atom] = []
        while True:
            tok = self.peek()
            if tok is None:
                if closing:
                    raise _Unrenderable("unclosed brace")
                return atoms
            self.i += 1
            if tok == "}":
                if not closing:
                    raise _Unrenderable("unbalanced brace")
                return atoms
            if tok in ("^", "_"):
                self.attach(atoms, tok)
            elif tok == "'":
                self.base(atoms).text += "′"
            elif tok.isspace() or tok == "~":
                atoms.append(_Atom(" ", "space"))
            else:
                atoms.extend(self.atom(tok))

    def base(self, atoms: list[_Atom]) -> _Atom:
        while atoms and atoms[-1].kind == "space":
            atoms.pop()
        if not atoms:
            atoms.append(_Atom(""))
        return atoms[-1]

    def attach(self, atoms: list[_Atom], mark: str) -> None:
        base = self.base(atoms)
        script = _join(self.argument())
        table = _SUP if mark == "^" else _SUB
        if base.kind == "frac":
            base.text = f"({base.text})"
            base.kind = "sym"
        base.text += _script(script, table, mark)

    def argument(self) -> list[_Atom]:
        self.skip_space()
        tok = self.take()
        if tok == "{":
            return self.sequence(closing=True)
        if tok in ("}", "^", "_", "&", "#", "%"):
            raise _Unrenderable(f"no argument before {tok!r}")
        return self.atom(tok)

    def raw_group(self) -> str:
        """The text of a `{...}` argument as written (for \\text)."""
        self.skip_space()
        if self.take() != "{":
            raise _Unrenderable("\\text needs braces")
        depth = 0
        out: list[str] = []
        while True:
            tok = self.take()
            if tok == "}" and depth == 0:
                return "".join(out)
            depth += {"{": 1, "}": -1}.get(tok, 0)
            if tok.startswith("\\"):
                name = tok[1:]
                if name in _ESCAPED and name != "|":
                    tok = _ESCAPED[name]
                elif name in (" ", ","):
                    tok = " "
                else:
                    raise _Unrenderable(f"command {tok} in text")
            elif tok in ("$", "{", "}"):
                raise _Unrenderable("math or groups inside text")
            out.append(tok)

    def atom(self, tok: str) -> list[_Atom]:
        if tok == "{":
            inner = self.sequence(closing=True)
            solid = _solid(inner)
            if len(solid) == 1:
                return [solid[0]]
            return [_Atom(_join(inner), "sym")] if inner else []
        if tok in ("&", "#", "%", "\\"):
            raise _Unrenderable(f"{tok!r} in math")
        if tok.startswith("\\"):
            return self.command(tok[1:])
        return [_Atom(tok, "op" if tok in "+-=<>" else "sym")]

    def command(self, name: str) -> list[_Atom]:
        if name in _SPACES:
            text = _SPACES[name]
            return [_Atom(" ", "space")] if text else []
        if name in _ESCAPED:
            return [_Atom(_ESCAPED[name])]
        if not name.isalpha():
            raise _Unrenderable(f"unknown command \\{name}")
        # A symbol keeps the space written after it (`m \times m` reads `m × m`).
        if name in _GREEK:
            return [_Atom(_GREEK[name])]
        if name in _OPS:
            return [_Atom(_OPS[name], "op")]
        if name in _SYMBOLS:
            if name in _PREFIXES:
                self.skip_space()
            return [_Atom(_SYMBOLS[name])]
        if name in _WORDS:
            return [_Atom(name, "word")]
        self.skip_space()  # before an argument, a space only ends the command's name
        if name in _DROPPED:
            if name != "middle" and self.peek() == ".":  # \left. and \right. show nothing
                self.i += 1
            return []
        if name in _FONTS:
            return [self.font(name)]
        if name in _TEXTS:
            return [_Atom(self.raw_group(), "sym")]
        if name in _ACCENTS:
            return [self.accent(name)]
        if name in _FRACS:
            return [self.fraction()]
        if name == "sqrt":
            return [self.root()]
        if name == "not":
            negated = _join(self.argument())
            special = {"=": "≠", "∈": "∉", "<": "≮", ">": "≯", "≡": "≢", "∼": "≁"}
            return [_Atom(special.get(negated, negated + "\u0338"), "op")]
        if name in ("overset", "stackrel", "underset"):
            over = _join(self.argument())
            body = self.argument()
            atom = _Atom(_join(body), _solid(body)[0].kind if len(_solid(body)) == 1 else "sym")
            table, mark = (_SUB, "_") if name == "underset" else (_SUP, "^")
            atom.text += _script(over, table, mark)
            return [atom]
        if name == "bmod":
            return [_Atom(" ", "space"), _Atom("mod", "op"), _Atom(" ", "space")]
        if name == "pmod":
            return [_Atom(" ", "space"), _Atom(f"(mod {_join(self.argument())})")]
        raise _Unrenderable(f"unknown command \\{name}")

    def font(self, name: str) -> _Atom:
        if name == "operatorname" and self.peek() == "*":
            self.i += 1
        inner = self.argument()
        text = _join(inner)
        if name == "mathbb":
            text = "".join(_blackboard(c) for c in text)
        elif name in ("mathcal", "mathscr"):
            text = "".join(_calligraphic(c) for c in text)
        solid = _solid(inner)
        if name in ("operatorname", "mathop") or (name == "mathrm" and len(text) > 1
                                                   and text.isalpha()):
            return _Atom(text, "word")
        return _Atom(text, solid[0].kind if len(solid) == 1 else "sym")

    def accent(self, name: str) -> _Atom:
        inner = self.argument()
        text = _join(inner)
        mark = _ACCENTS[name]
        letters = [c for c in text if not _is_combining(c)]
        if len(letters) == 1:
            return _Atom(text + mark)
        if name in _PER_CHAR_ACCENTS and text and " " not in text:
            return _Atom("".join(c if _is_combining(c) else c + mark for c in text))
        raise _Unrenderable(f"\\{name} over several symbols")

    def fraction(self) -> _Atom:
        parts = []
        for _ in range(2):
            inner = self.argument()
            text = _join(inner)
            if not text:
                raise _Unrenderable("empty fraction part")
            parts.append(f"({text})" if _needs_parens_frac(inner) else text)
        return _Atom("/".join(parts), "frac")

    def root(self) -> _Atom:
        self.skip_space()
        sign = "√"
        if self.peek() == "[":
            self.i += 1
            index = []
            while (tok := self.take()) != "]":
                index.append(tok)
            degree = "".join(index).strip()
            sign = {"2": "√", "3": "∛", "4": "∜"}.get(degree) or _script(degree, _SUP, "^") + "√"
        inner = self.argument()
        text = _join(inner)
        solid = _solid(inner)
        if len(solid) == 1 and solid[0].kind not in ("frac", "op"):
            return _Atom(sign + text)
        return _Atom(f"{sign}({text})")


def _is_combining(c: str) -> bool:
    import unicodedata

    return unicodedata.combining(c) != 0


def to_unicode(latex: str) -> str | None:
    """One LaTeX math expression (no dollars) as readable Unicode, or None if it has no
    faithful plain form (environments, \\over, unknown commands, unbalanced braces)."""
    if _CLOZE.search(latex):
        return None  # a cloze marker inside math: only the source shows it faithfully
    try:
        return _Parser(latex).parse()
    except _Unrenderable:
        return None


# --- Markdown --------------------------------------------------------------------------------

_HOLE = re.compile("\ue100(\\d+)\ue101")
_MD_SPECIAL = re.compile(r"([\\`_<>|$&])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_TRAILING_STOP = re.compile(r"([.,;:!?)]+)(?=\s|$)")
_LIST_LEAD = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?")
_BLANK_BEFORE, _BLANK_AFTER = "\ue102", "\ue103"  # requests for a blank line
_DISPLAY_INDENT = "\u2003\u2003"  # em spaces: Markdown keeps them, so the line stands indented


def _code_span(source: str) -> str:
    source = " ".join(source.split())
    fence = "`" * (max((len(r) for r in re.findall("`+", source)), default=0) + 1)
    pad = " " if source.startswith("`") or source.endswith("`") else ""
    return f"{fence}{pad}{source}{pad}{fence}"


def _inline(latex: str) -> str:
    text = to_unicode(latex)
    if text is None or not text:
        return _code_span(latex)
    # `*` stays: cloze marks (**[...]**) inside math should still show bold, so the spaces
    # LaTeX needs before a deletion's closing `}}` are taken from inside the marks.
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _BOLD.sub(lambda m: f"**{m.group(1).strip()}**", text)


def _collect(text: str) -> tuple[str, list[tuple[str, bool]]]:
    """The text with each math span replaced by a placeholder, and the spans."""
    spans: list[tuple[str, bool]] = []

    def keep(latex: str, display: bool) -> str:
        spans.append((latex, display))
        return f"\ue100{len(spans) - 1}\ue101"

    return replace_math(text, keep), spans


def _display_line(line: str, spans: list[tuple[str, bool]], fill: Callable[[str], str]
                  ) -> list[str]:
    """A line holding display math, split so each display expression is its own paragraph."""
    lead = _LIST_LEAD.match(line)
    assert lead is not None
    marker, rest = lead.group(0), line[lead.end():]
    indent = " " * len(marker.expandtabs())
    pieces: list[tuple[str, bool]] = []  # (text, is_display)
    pos = 0
    for m in _HOLE.finditer(rest):
        latex, display = spans[int(m.group(1))]
        if not display:
            continue
        pieces.append((rest[pos:m.start()].strip(), False))
        pieces.append((_DISPLAY_INDENT + _inline(latex), True))
        pos = m.end()
    pieces.append((rest[pos:].strip(), False))
    for n in range(1, len(pieces) - 1, 2):  # a full stop after display math stays with it
        after = pieces[n + 1][0]
        stop = _TRAILING_STOP.match(after)
        if stop:
            pieces[n] = (pieces[n][0] + stop.group(1), True)
            pieces[n + 1] = (after[stop.end():].strip(), False)
    kept = [(fill(t), d) for t, d in pieces if t]
    lines: list[str] = []
    for n, (piece, _) in enumerate(kept):
        if n:
            lines.append("")
        lines.append((marker if n == 0 else indent) + piece)
    if kept and kept[0][1]:
        lines.insert(0, _BLANK_BEFORE)
    if kept and kept[-1][1]:
        lines.append(_BLANK_AFTER)
    return lines


def render_math(text: str) -> str:
    """Markdown with every `$...$` / `$$...$$` span shown in Unicode (or as LaTeX source in
    inline code where Unicode cannot say it); display math gets a paragraph of its own."""
    marked, spans = _collect(text)
    if not spans:
        return text

    def fill(s: str) -> str:
        return _HOLE.sub(lambda m: _inline(spans[int(m.group(1))][0]), s)

    out: list[str] = []
    for line in marked.split("\n"):
        displays = [m for m in _HOLE.finditer(line) if spans[int(m.group(1))][1]]
        if not displays or line.lstrip().startswith("|"):  # in a table row: stays inline
            out.append(fill(line))
        else:
            out.extend(_display_line(line, spans, fill))
    # Blank lines around display math, only where a neighbouring line has text.
    result: list[str] = []
    for n, line in enumerate(out):
        if line == _BLANK_BEFORE:
            if result and result[-1].strip():
                result.append("")
        elif line == _BLANK_AFTER:
            following = out[n + 1] if n + 1 < len(out) else ""
            if following.strip() and following not in (_BLANK_BEFORE, _BLANK_AFTER):
                result.append("")
        else:
            result.append(line)
    return "\n".join(result)
