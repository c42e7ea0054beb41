# expect: the backtrack is off
"""Writes each step's tag before following the pointer into it, so every tag lands one
step late (the path shifted by one)."""
import torch
from torch import Tensor


def viterbi_decode(emissions: Tensor, transitions: Tensor, start_transitions: Tensor,
                   end_transitions: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
    """Best tag sequence of a linear-chain CRF (pytorch-crf conventions)."""
    B, T, K = emissions.shape
    score = start_transitions + emissions[:, 0]  # [B, K]: best path ending in each tag
    backpointers = []
    for t in range(1, T):
        # [B, K_prev, K_next]: extend every best path by one transition and emission.
        cand = score[:, :, None] + transitions[None] + emissions[:, t, None, :]
        best, idx = cand.max(dim=1)
        score = torch.where(mask[:, t, None], best, score)  # padded step: keep the old
        backpointers.append(idx)
    score = score + end_transitions
    best_score, last_tag = score.max(dim=1)

    lengths = mask.sum(dim=1)
    path = torch.full((B, T), -1, dtype=torch.long, device=emissions.device)
    tag = last_tag
    for t in range(T - 1, -1, -1):
        on = t < lengths  # step t belongs to the sequence
        is_last = t == lengths - 1
        # At a sequence's last step the tag is its argmax; before it, follow the pointer.
        path[:, t] = torch.where(on, tag, path[:, t])
        if t < T - 1:
            prev = backpointers[t].gather(1, tag[:, None]).squeeze(1)
            tag = torch.where(is_last, last_tag, torch.where(on, prev, tag))
    return best_score, path
