# expect: BLEU is a corpus metric
"""Averages smoothed sentence BLEUs (a zero match counts as 0.1, orders a short sentence
lacks are left out), as a per-sentence metric would: not corpus BLEU."""
import math
from collections import Counter


def _ngrams(toks, n):
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def _sentence(cand, refs, max_n):
    logs = []
    for n in range(1, max_n + 1):
        counts, best = _ngrams(cand, n), Counter()
        for ref in refs:
            best |= _ngrams(ref, n)
        hit, tot = sum((counts & best).values()), sum(counts.values())
        if tot == 0:
            continue
        logs.append(math.log((hit or 0.1) / tot))
    r = min((len(x) for x in refs), key=lambda L: (abs(L - len(cand)), L))
    bp = 1.0 if len(cand) > r else math.exp(1 - r / len(cand))
    return bp * math.exp(sum(logs) / len(logs)) if logs else 0.0


def bleu(candidates, references, max_n=4):
    scores = [_sentence(c, r, max_n) for c, r in zip(candidates, references)]
    return sum(scores) / len(scores)
