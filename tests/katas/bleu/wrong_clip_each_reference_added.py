# expect: not against each reference in turn with the matches added up
"""Clips the candidate against each reference separately and adds the matches up: with
several references an n-gram can match more often than it appears in any one of them."""
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
            m[n - 1] += sum(sum((counts & _ngrams(ref, n)).values()) for ref in refs)
            t[n - 1] += sum(counts.values())
        c += len(cand)
        r += min((len(x) for x in refs), key=lambda L: (abs(L - len(cand)), L))
    if min(m) == 0:
        return 0.0
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.exp(sum(math.log(a / b) for a, b in zip(m, t)) / max_n)
