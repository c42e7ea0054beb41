import math
from collections import Counter


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def bleu(candidates: list[list[str]], references: list[list[list[str]]],
         max_n: int = 4) -> float:
    """Corpus BLEU with clipped n-gram precisions (n = 1..max_n, uniform weights) and the
    brevity penalty (closest reference length, ties to the shorter)."""
    matches = [0] * max_n
    totals = [0] * max_n
    cand_len = ref_len = 0
    for cand, refs in zip(candidates, references, strict=True):
        for n in range(1, max_n + 1):
            counts = _ngrams(cand, n)
            max_ref = Counter()
            for ref in refs:
                max_ref |= _ngrams(ref, n)  # elementwise max over the references
            matches[n - 1] += sum((counts & max_ref).values())  # clipped counts
            totals[n - 1] += sum(counts.values())
        cand_len += len(cand)
        ref_len += min((len(r) for r in refs), key=lambda L: (abs(L - len(cand)), L))
    if min(matches) == 0:
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals, strict=False)) / max_n
    bp = 1.0 if cand_len > ref_len else math.exp(1 - ref_len / cand_len)
    return bp * math.exp(log_precision)
