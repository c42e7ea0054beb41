import torch
from torch import Tensor


def viterbi_decode(emissions: Tensor, transitions: Tensor, start_transitions: Tensor,
                   end_transitions: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
    """Best tag sequence of a linear-chain CRF.

    emissions: [B, T, K]; transitions[i, j]: score of tag i -> tag j; start/end: [K];
    mask: bool [B, T], left-aligned. Returns (best_score [B], best_path [B, T] int64 with
    -1 at padded steps).
    """
    raise NotImplementedError
