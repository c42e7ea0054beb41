def bpe_merges(word_counts: dict[str, int], num_merges: int) -> list[tuple[str, str]]:
    """The first `num_merges` BPE merges learned from `word_counts`.

    Highest pair count first, ties broken by the smallest (a, b); non-overlapping
    left-to-right merging; stops early when nothing is left to merge.
    """
    raise NotImplementedError
