# expect: geometric mean
"""Averages the n-gram precisions arithmetically."""
import math
from collections import Counter


def _ngrams(toks, n):
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def bleu(candidates, references, max_n=4):
    m, t = [0] * max_n, [0] * max_n
    c = r = 0
    for cand, refs in zip(candidates, references):
        for n in range(1, max_n + 1):
            counts = _ngrams(cand, n)
            best = Counter()
            for ref in refs:
                best |= _ngrams(ref, n)
            m[n - 1] += sum((counts & best).values())
            t[n - 1] += sum(counts.values())
        c += len(cand)
        r += min((len(x) for x in refs), key=lambda L: (abs(L - len(cand)), L))
    if 0 in m:
        return 0.0
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * sum(a / b for a, b in zip(m, t)) / max_n
