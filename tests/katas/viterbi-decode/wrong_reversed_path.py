# expect: the path comes out reversed
"""Appends tags while following the backpointers and forgets to flip them."""
import torch


def viterbi_decode(emissions, transitions, start_transitions, end_transitions, mask):
    B, T, K = emissions.shape
    path = torch.full((B, T), -1, dtype=torch.long, device=emissions.device)
    scores = []
    for b in range(B):
        L = int(mask[b].sum())
        s = start_transitions + emissions[b, 0]
        ptrs = []
        for t in range(1, L):
            s, idx = (s[:, None] + transitions + emissions[b, t][None]).max(dim=0)
            ptrs.append(idx)
        best, tag = (s + end_transitions).max(dim=0)
        tags = [int(tag)]
        for idx in reversed(ptrs):
            tags.append(int(idx[tags[-1]]))
        path[b, :L] = torch.tensor(tags, device=emissions.device)  # still last-to-first
        scores.append(best)
    return torch.stack(scores), path
