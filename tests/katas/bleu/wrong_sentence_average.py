# expect: BLEU is a corpus metric
"""Scores every sentence on its own and averages the sentence BLEUs."""
import math
from collections import Counter


def _ngrams(toks, n):
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def _sentence(cand, refs, max_n):
    logs = 0.0
    for n in range(1, max_n + 1):
        counts = _ngrams(cand, n)
        best = Counter()
        for ref in refs:
            best |= _ngrams(ref, n)
        hit, tot = sum((counts & best).values()), sum(counts.values())
        if hit == 0:
            return 0.0
        logs += math.log(hit / tot)
    r = min((len(x) for x in refs), key=lambda L: (abs(L - len(cand)), L))
    bp = 1.0 if len(cand) > r else math.exp(1 - r / len(cand))
    return bp * math.exp(logs / max_n)


def bleu(candidates, references, max_n=4):
    return sum(_sentence(c, r, max_n) for c, r in zip(candidates, references)) / len(candidates)
