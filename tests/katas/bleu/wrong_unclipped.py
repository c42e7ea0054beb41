# expect: the n-gram counts must be clipped
"""Counts every candidate n-gram that appears in some reference, however many times it
repeats (the 'the the the' candidate scores 1 on unigrams)."""
import math
from collections import Counter


def bleu(candidates, references, max_n=4):
    m, t = [0] * max_n, [0] * max_n
    c = r = 0
    for cand, refs in zip(candidates, references):
        for n in range(1, max_n + 1):
            grams = [tuple(cand[i:i + n]) for i in range(len(cand) - n + 1)]
            ref_grams = {tuple(x[i:i + n]) for x in refs for i in range(len(x) - n + 1)}
            m[n - 1] += sum(g in ref_grams for g in grams)
            t[n - 1] += len(grams)
        c += len(cand)
        r += min((len(x) for x in refs), key=lambda L: (abs(L - len(cand)), L))
    if min(m) == 0:
        return 0.0
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.exp(sum(math.log(a / b) for a, b in zip(m, t)) / max_n)
