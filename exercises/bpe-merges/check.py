"""Checker for `bpe-merges` (plain Python: the outputs are lists of string pairs)."""

import ast
import random

from study.kata.toolkit import Case


def _learn(word_counts, num_merges, tie=min, overlap=False, case_words=False):
    from collections import Counter
    vocab = Counter()
    for w, c in word_counts.items():
        vocab[tuple(w)] += (1 if case_words else c)
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for s, c in vocab.items():
            for p in zip(s, s[1:], strict=False):
                pairs[p] += c
        if overlap:  # counts each pair once per word
            pairs = Counter()
            for s, c in vocab.items():
                for p in set(zip(s, s[1:], strict=False)):
                    pairs[p] += c
        if not pairs:
            break
        top = max(pairs.values())
        best = tie(p for p in pairs if pairs[p] == top)
        merges.append(best)
        new = Counter()
        for s, c in vocab.items():
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == best[0] and s[i + 1] == best[1]:
                    out.append(s[i] + s[i + 1])
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            new[tuple(out)] += c
        vocab = new
    return merges


def _pair_counts(word_counts, merges):
    """Pair counts after applying `merges` (the reference's first merges)."""
    from collections import Counter
    vocab = Counter({tuple(w): c for w, c in word_counts.items()})
    for a, b in merges:
        new = Counter()
        for s, c in vocab.items():
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            new[tuple(out)] += c
        vocab = new
    pairs = Counter()
    for s, c in vocab.items():
        for p in zip(s, s[1:], strict=False):
            pairs[p] += c
    return pairs


def _random_words(seed, n, alphabet, max_len):
    rng = random.Random(seed)
    words = {}
    while len(words) < n:
        w = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, max_len)))
        words[w] = rng.randint(1, 9)
    return words


def cases():
    yield Case("Sennrich's example (with _ as end-of-word), 10 merges",
               {"word_counts": {"low_": 5, "lower_": 2, "newest_": 6, "widest_": 3},
                "num_merges": 10})
    yield Case("ties: every pair count 1", {"word_counts": {"dcba": 1, "zyx": 1},
                                             "num_merges": 4})
    yield Case("overlapping pairs: 'aaaa' x3, 'aab' x2",
               {"word_counts": {"aaaa": 3, "aab": 2}, "num_merges": 3})
    yield Case("stops early: single characters only", {"word_counts": {"a": 4, "b": 2},
                                                        "num_merges": 5})
    yield Case("more merges than possible", {"word_counts": {"abc": 2, "bcd": 1},
                                             "num_merges": 10})
    yield Case("num_merges = 0", {"word_counts": {"hello": 3}, "num_merges": 0})
    for i, (n, alpha, ml, k) in enumerate([(20, "abcd", 6, 15), (40, "abcdefg", 8, 30),
                                           (12, "ab", 10, 20)]):
        yield Case(f"random words ({n} words over '{alpha}', {k} merges)",
                   {"word_counts": _random_words(100 + i, n, alpha, ml), "num_merges": k})


def reference(case):
    return repr(_learn(case.args["word_counts"], case.args["num_merges"]))


_VARIANTS = [
    ("a pair is counted at every position, overlaps included ('aaa' holds ('a', 'a') "
     "twice); you counted each pair once per word", lambda wc, k: _learn(wc, k, overlap=True)),
    ("pair counts are weighted by each word's count in word_counts; you counted each word "
     "once", lambda wc, k: _learn(wc, k, case_words=True)),
]


def diagnose(case, got, want):
    out = got.get("out")
    if out == "word_counts was modified in place":
        return "do not modify word_counts: build your own table of symbol tuples"
    a = case.args
    for message, fn in _VARIANTS:
        wrong = repr(fn(a["word_counts"], a["num_merges"]))
        if wrong != want["out"] and wrong == out:
            return message
    try:
        g, w = ast.literal_eval(out), ast.literal_eval(want["out"])
    except Exception:  # noqa: BLE001
        return None
    n = next((i for i, (x, y) in enumerate(zip(g, w, strict=False)) if x != y), None)
    if n is not None:
        counts = _pair_counts(a["word_counts"], w[:n])
        gp = tuple(g[n]) if isinstance(g[n], (tuple, list)) and len(g[n]) == 2 else None
        if gp is not None and counts.get(gp) == counts.get(w[n]):
            return (f"merge {n}: {gp} and {w[n]} both occur {counts[w[n]]} times; ties go to "
                    "the lexicographically smallest pair, min(pairs, key=lambda p: "
                    "(-count[p], p)), not to the first one found")
    if len(g) != len(w) and g == w[:len(g)]:
        return ("the list is too short: keep merging until num_merges pairs or until no word "
                "has two symbols left (count-1 pairs are merged too)")
    return None
