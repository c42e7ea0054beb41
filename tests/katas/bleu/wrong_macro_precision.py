# expect: do not average the sentences' precisions
"""Averages each sentence's n-gram precision instead of summing matches and totals over the
corpus first."""
import math
from collections import Counter


def _ngrams(toks, n):
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def bleu(candidates, references, max_n=4):
    logs = []
    for n in range(1, max_n + 1):
        ps = []
        for cand, refs in zip(candidates, references):
            counts, best = _ngrams(cand, n), Counter()
            for ref in refs:
                best |= _ngrams(ref, n)
            tot = sum(counts.values())
            if tot:
                ps.append(sum((counts & best).values()) / tot)
        p = sum(ps) / len(ps) if ps else 0.0
        if p == 0:
            return 0.0
        logs.append(math.log(p))
    c = sum(len(x) for x in candidates)
    r = sum(min((len(x) for x in refs), key=lambda L: (abs(L - len(cand)), L))
            for cand, refs in zip(candidates, references))
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.exp(sum(logs) / max_n)
