# expect: not by the sum of its counts over all the references
"""Clips each n-gram against its counts summed over all the references (Counter +), so an
n-gram that appears once in each of three references may match three times."""
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
            allowed = Counter()
            for ref in refs:
                allowed += _ngrams(ref, n)
            m[n - 1] += sum(min(v, allowed[g]) for g, v in counts.items())
            t[n - 1] += sum(counts.values())
        c += len(cand)
        r += min((len(x) for x in refs), key=lambda L: (abs(L - len(cand)), L))
    if min(m) == 0:
        return 0.0
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.exp(sum(math.log(a / b) for a, b in zip(m, t)) / max_n)
