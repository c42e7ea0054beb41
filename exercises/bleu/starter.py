def bleu(candidates: list[list[str]], references: list[list[list[str]]],
         max_n: int = 4) -> float:
    """Corpus BLEU with clipped n-gram precisions (n = 1..max_n, uniform weights) and the
    brevity penalty (closest reference length, ties to the shorter). 0.0 if some order
    has no clipped match."""
    raise NotImplementedError
