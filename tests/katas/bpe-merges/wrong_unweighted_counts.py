# expect: you counted each word once
"""Ignores the word frequencies when counting pairs."""
from collections import Counter


def _merge(symbols: tuple[str, ...], a: str, b: str) -> tuple[str, ...]:
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def bpe_merges(word_counts: dict[str, int], num_merges: int) -> list[tuple[str, str]]:
    """The first `num_merges` BPE merges learned from `word_counts`."""
    vocab = Counter()
    for word, count in word_counts.items():
        vocab[tuple(word)] += count
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for symbols, count in vocab.items():
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += 1
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))  # most frequent, then smallest
        merges.append(best)
        merged = Counter()
        for symbols, count in vocab.items():
            merged[_merge(symbols, *best)] += count
        vocab = merged
    return merges
