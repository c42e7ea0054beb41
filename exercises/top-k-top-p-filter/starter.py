import torch
from torch import Tensor


def top_k_top_p_filter(logits: Tensor, top_k: int = 0, top_p: float = 1.0) -> Tensor:
    """Top-k then top-p (nucleus) filtering of next-token logits, row by row.

    logits: [B, V]. Returns a new [B, V] tensor (the input is left untouched) where every
    removed entry is -inf and every kept entry is the original logit. top_k = 0 and
    top_p = 1.0 switch each filter off. Top-k keeps every logit >= the k-th largest;
    top-p then keeps the smallest set of most probable tokens (softmax of what top-k left)
    whose cumulative probability reaches top_p, the token that crosses it included.
    """
    raise NotImplementedError
