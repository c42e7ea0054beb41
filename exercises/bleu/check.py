"""Checker for `bleu`: corpus BLEU as nltk's corpus_bleu (uniform weights, no smoothing)."""

import math
import random
from collections import Counter

import torch

from study.kata.toolkit import Case, Tol, Variant

# Nothing is banned (no torch op computes BLEU); the kata is about the definition.

_VOCAB = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "to", "house", "is", "red"]


def _noisy(ref, rng, p):
    """A candidate: the reference with some tokens replaced, dropped or repeated."""
    out = []
    for tok in ref:
        u = rng.random()
        if u < p:
            out.append(rng.choice(_VOCAB))
        elif u < 1.3 * p:
            continue
        elif u < 1.5 * p:
            out += [tok, tok]
        else:
            out.append(tok)
    return out or [ref[0]]


def _corpus(seed, sentences, n_refs, lo=6, hi=14, p=0.2, shorter=False):
    rng = random.Random(seed)
    cands, refs = [], []
    for _ in range(sentences):
        base = [rng.choice(_VOCAB) for _ in range(rng.randint(lo, hi))]
        rs = [base] + [_noisy(base, rng, 0.3) for _ in range(n_refs - 1)]
        cand = _noisy(base, rng, p)
        if shorter:
            cand = cand[: max(4, len(cand) * 2 // 3)]
        cands.append(cand)
        refs.append(rs)
    return cands, refs


def _case(name, cands, refs, max_n=4):
    return Case(name, {"candidates": cands, "references": refs, "max_n": max_n},
                tol=Tol(atol=1e-6, rtol=1e-6))


def cases():
    ref = ["the", "cat", "is", "on", "the", "mat"]
    yield _case("one sentence identical to its reference: BLEU = 1", [ref], [[ref]])
    yield _case("the classic 'the the the ...' candidate (clipping), max_n = 1",
                [["the"] * 7], [[["the", "cat", "is", "on", "the", "mat"],
                                 ["there", "is", "a", "cat", "on", "the", "mat"]]], max_n=1)
    yield _case("one sentence, two references", *_corpus(1, 1, 2, p=0.1))
    yield _case("a corpus of 5 sentences, one reference each", *_corpus(2, 5, 1, p=0.1))
    yield _case("a corpus of 8 sentences, 3 references each", *_corpus(3, 8, 3))
    yield _case("short candidates: the brevity penalty applies", *_corpus(4, 6, 2,
                                                                          shorter=True))
    yield _case("max_n = 2, 4 sentences", *_corpus(5, 4, 2, p=0.3), max_n=2)
    yield _case("no 4-gram matches anywhere: BLEU = 0",
                [["a", "b", "c", "d", "e"]], [[["a", "b", "c", "x", "d", "e"]]])
    yield _case("a candidate shorter than 4 tokens among longer ones",
                [["the", "cat"], ["the", "dog", "ran", "to", "the", "red", "house"]],
                [[["the", "cat", "sat"]], [["the", "dog", "ran", "to", "the", "house"]]])
    yield _case("references of different lengths: the closest one counts (ties to the "
                "shorter)", [["a", "cat", "sat", "on", "the", "mat"]],
                [[["a", "cat", "sat", "on", "a", "mat", "today"],
                  ["a", "cat", "sat", "on", "the", "mat", "here", "now", "ok"],
                  ["a", "cat", "sat", "on", "mat"]]], max_n=2)
    yield _case("a corpus of 12 sentences, 2 references each, max_n = 3",
                *_corpus(6, 12, 2, p=0.15), max_n=3)


# --- reference and known mistakes --------------------------------------------------------------

def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _bleu(cands, refs, max_n, clip=True, ref_len="closest", bp=True, mean="geometric"):
    matches, totals = [0] * max_n, [0] * max_n
    c = r = 0
    for cand, rs in zip(cands, refs, strict=True):
        for n in range(1, max_n + 1):
            counts = _ngrams(cand, n)
            max_ref = Counter()
            for ref in rs:
                max_ref |= _ngrams(ref, n)
            if clip:
                matches[n - 1] += sum((counts & max_ref).values())
            else:
                matches[n - 1] += sum(v for g, v in counts.items() if g in max_ref)
            totals[n - 1] += sum(counts.values())
        c += len(cand)
        lens = [len(x) for x in rs]
        r += {"closest": min(lens, key=lambda L: (abs(L - len(cand)), L)),
              "closest_longer": min(lens, key=lambda L: (abs(L - len(cand)), -L)),
              "shortest": min(lens), "longest": max(lens), "first": lens[0]}[ref_len]
    if min(matches) == 0:
        return 0.0
    if mean == "geometric":
        logs = [math.log(m / t) for m, t in zip(matches, totals, strict=True)]
        score = math.exp(sum(logs) / max_n)
    else:
        score = sum(m / t for m, t in zip(matches, totals, strict=False)) / max_n
    if bp and c <= r:
        score *= math.exp(1 - r / c)
    return score


def _t(x):
    return torch.tensor(x, dtype=torch.float64)


def reference(case):
    a = case.args
    return _t(_bleu(a["candidates"], a["references"], a["max_n"]))


def _v(message, **kw):
    def compute(case):
        a = case.args
        return _t(_bleu(a["candidates"], a["references"], a["max_n"], **kw))
    return Variant(message, compute)


def _sentence_average(case):
    a = case.args
    pairs = zip(a["candidates"], a["references"], strict=True)
    scores = [_bleu([c], [r], a["max_n"]) for c, r in pairs]
    return _t(sum(scores) / len(scores))


VARIANTS = [
    _v("the n-gram counts must be clipped: each n-gram counts at most as often as it "
       "appears in one reference (its max count over the references)", clip=False),
    Variant("BLEU is a corpus metric: sum the clipped matches, the n-gram totals and the "
            "lengths over all sentences first, then combine; do not average sentence "
            "scores", _sentence_average),
    _v("the brevity penalty uses the reference length closest to the candidate's, not "
       "the shortest reference", ref_len="shortest"),
    _v("the brevity penalty uses the reference length closest to the candidate's, not "
       "the longest reference", ref_len="longest"),
    _v("the brevity penalty uses the reference length closest to the candidate's, not "
       "the first reference", ref_len="first"),
    _v("on a tie for the closest reference length, take the shorter one",
       ref_len="closest_longer"),
    _v("the brevity penalty is missing: multiply by exp(1 − r/c) when c ≤ r", bp=False),
    _v("combine the precisions with a geometric mean, exp(mean(log p_n)), not an "
       "arithmetic mean", mean="arithmetic"),
]
