"""Checker for `causal-mask`: causal attention, the mask aligned to the bottom-right."""

import math

import torch

from study.kata.presets import ATTENTION
from study.kata.toolkit import Case, Tol, Variant, also_in, randn

BAN = ATTENTION.because(
    "the masked attention is what this kata asks you to write; build it from matmul, "
    "a mask and softmax"
)


def _case(name, lead, tq, tk, d, dv, seed, scale=1.0):
    a = {"q": randn(*lead, tq, d, seed=seed, scale=scale),
         "k": randn(*lead, tk, d, seed=seed + 1, scale=scale),
         "v": randn(*lead, tk, dv, seed=seed + 2)}
    # float32 rounds a score s to ~6e-8·|s|, which is the relative error of its weight;
    # the gradients carry an extra factor |k|/sqrt(d) or |q|/sqrt(d).
    s = (a["q"].double() @ a["k"].double().transpose(-2, -1)).abs().max() / math.sqrt(d)
    m = float(s) * max(1.0, scale)
    return Case(name, a, tol=Tol(atol=2e-6 + 3e-7 * m, rtol=2e-5),
                grad=("q", "k", "v"))


@also_in(torch.float64)
def cases():
    yield _case("Tq = Tk = 1", (), 1, 1, 4, 3, seed=1)
    yield _case("self-attention [2, 5, 8] (Tq = Tk = 5)", (2,), 5, 5, 8, 8, seed=2)
    yield _case("batch and heads [2, 3, 7, 4], dv = 5", (2, 3), 7, 7, 4, 5, seed=3)
    yield _case("one new query over a cache of 6 keys (Tq = 1, Tk = 6)", (3,), 1, 6, 8, 4,
                seed=4)
    yield _case("3 new queries over 10 keys (Tq < Tk)", (2, 2), 3, 10, 6, 6, seed=5)
    yield _case("Tq = 4, Tk = 5 (one cached key)", (1,), 4, 5, 5, 3, seed=6)
    yield _case("no leading dims, Tq = Tk = 9, d = 1", (), 9, 9, 1, 2, seed=7)
    yield _case("large scores (|scores| in the hundreds): the masked softmax must stay stable",
                (2,), 6, 6,
                16, 4, seed=8, scale=10.0)
    yield _case("a longer sequence [1, 2, 33, 16], Tq = 17", (1, 2), 17, 33, 16, 16, seed=9)


def _attend(a, diagonal=None, top_left=False, strict=False, upper=False, no_mask=False,
            after=False, scale=None):
    q, k, v = a["q"], a["k"], a["v"]
    tq, tk, d = q.shape[-2], k.shape[-2], q.shape[-1]
    diag = 0 if top_left else tk - tq
    if strict:
        diag -= 1
    ones = torch.ones(tq, tk, dtype=torch.bool)
    allowed = ones.triu(diagonal=diag) if upper else ones.tril(diagonal=diag)
    if no_mask:
        allowed = ones
    if not allowed.any(dim=-1).all() and not strict:
        raise ValueError("a row with no allowed key")
    s = (q @ k.transpose(-2, -1)) / (math.sqrt(d) if scale is None else scale)
    if after:
        w = torch.softmax(s, dim=-1) * allowed
    else:
        # a row with no allowed key (the strict mask's first row) gets zero weights
        w = torch.nan_to_num(torch.softmax(s.masked_fill(~allowed, float("-inf")), dim=-1))
    return w @ v


def reference(case):
    return _attend(case.args)


VARIANTS = [
    Variant("the mask is aligned to the top-left (like is_causal=True in "
            "F.scaled_dot_product_attention): with Tq < Tk the queries are the LAST Tq "
            "positions, query i sees keys j ≤ Tk − Tq + i (tril(diagonal=Tk − Tq))",
            lambda c: _attend(c.args, top_left=True)),
    Variant("each query must also attend to its own position: keys j ≤ i are allowed, "
            "the diagonal included", lambda c: _attend(c.args, strict=True)),
    Variant("you masked the past instead of the future: a query attends to earlier keys "
            "(the lower triangle, tril), not later ones", lambda c: _attend(c.args, upper=True)),
    Variant("the causal mask is missing: every query attended to every key",
            lambda c: _attend(c.args, no_mask=True)),
    Variant("you zeroed the masked weights after the softmax, so the rows no longer sum to "
            "1: fill the masked scores with -inf before the softmax",
            lambda c: _attend(c.args, after=True)),
    Variant("scale the scores by 1/sqrt(d), not 1/d",
            lambda c: _attend(c.args, scale=c.args["q"].shape[-1])),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.is_floating_point() and torch.isnan(out).any():
        return ("NaN in the output: a hand-written softmax must subtract the row max before "
                "exp() (exp of scores in the hundreds overflows to inf, and inf/inf is NaN); "
                "masked entries at -inf then give exp(-inf) = 0, and every row has at least "
                "one allowed key")
    return None
