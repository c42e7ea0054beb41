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
                if clip == "sum":
                    max_ref += _ngrams(ref, n)
                else:
                    max_ref |= _ngrams(ref, n)
            if clip == "per_reference":
                matches[n - 1] += sum(sum((counts & _ngrams(ref, n)).values()) for ref in rs)
            elif clip:
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


def _sentence_stats(cand, rs, max_n):
    """Per order n: (clipped matches, candidate n-grams) for one sentence."""
    stats = []
    for n in range(1, max_n + 1):
        counts, best = _ngrams(cand, n), Counter()
        for ref in rs:
            best |= _ngrams(ref, n)
        stats.append((sum((counts & best).values()), sum(counts.values())))
    return stats


def _sentence_bleu_lenient(cand, rs, max_n, eps=None):
    """A sentence BLEU as written by hand or by nltk's smoothing: orders with no n-grams
    are left out, a zero match counts as eps / total (when eps is given)."""
    logs = []
    for m, t in _sentence_stats(cand, rs, max_n):
        if t == 0:
            continue
        if m == 0:
            if eps is None:
                return 0.0
            m = eps
        logs.append(math.log(m / t))
    if not logs:
        return 0.0
    lens = [len(x) for x in rs]
    r = min(lens, key=lambda L: (abs(L - len(cand)), L))
    bp = 1.0 if len(cand) > r else math.exp(1 - r / len(cand))
    return bp * math.exp(sum(logs) / len(logs))


def _averaged_sentences(eps=None):
    def compute(case):
        a = case.args
        pairs = list(zip(a["candidates"], a["references"], strict=True))
        return _t(sum(_sentence_bleu_lenient(c, r, a["max_n"], eps) for c, r in pairs)
                  / len(pairs))
    return compute


def _averaged_precisions(case):
    """Each order's precision averaged over the sentences (macro), then combined."""
    a = case.args
    per = [_sentence_stats(c, r, a["max_n"])
           for c, r in zip(a["candidates"], a["references"], strict=True)]
    logs = []
    for n in range(a["max_n"]):
        ps = [s[n][0] / s[n][1] for s in per if s[n][1]]
        p = sum(ps) / len(ps) if ps else 0.0
        if p == 0:
            return _t(0.0)
        logs.append(math.log(p))
    c = sum(len(x) for x in a["candidates"])
    r = 0
    for cand, rs in zip(a["candidates"], a["references"], strict=True):
        k = len(cand)
        r += min((len(x) for x in rs), key=lambda L, k=k: (abs(L - k), L))
    return _t(math.exp(sum(logs) / len(logs)) * (math.exp(1 - r / c) if c <= r else 1.0))


_CORPUS = ("BLEU is a corpus metric: sum the clipped matches, the n-gram totals and the "
           "lengths over all sentences first, then combine; do not average sentence scores")


VARIANTS = [
    _v("the n-gram counts must be clipped: each n-gram counts at most as often as it "
       "appears in one reference (its max count over the references)", clip=False),
    _v("clip each n-gram's count by its largest count in any single reference, not by "
       "the sum of its counts over all the references", clip="sum"),
    _v("clip each n-gram's count by its largest count in any single reference, not against "
       "each reference in turn with the matches added up", clip="per_reference"),
    Variant(_CORPUS, _sentence_average),
    Variant(_CORPUS, _averaged_sentences()),
    Variant(_CORPUS, _averaged_sentences(eps=0.1)),
    Variant(_CORPUS, _averaged_sentences(eps=1.0)),
    Variant("BLEU is a corpus metric: sum each order's clipped matches and n-gram totals "
            "over all sentences, then divide; do not average the sentences' precisions",
            _averaged_precisions),
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
