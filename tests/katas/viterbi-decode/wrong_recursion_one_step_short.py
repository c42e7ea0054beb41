# expect: the recursion stops one step early
"""A per-sequence Viterbi whose recursion runs for t in range(1, L - 1): the last step is
never scored (an off-by-one in the loop bound), and its tag is left at the previous one."""
import torch


def viterbi_decode(emissions, transitions, start_transitions, end_transitions, mask):
    B, T, K = emissions.shape
    scores = []
    path = torch.full((B, T), -1, dtype=torch.long, device=emissions.device)
    for b in range(B):
        L = int(mask[b].sum())
        s = start_transitions + emissions[b, 0]
        ptrs = []
        for t in range(1, L - 1):
            best, idx = (s[:, None] + transitions + emissions[b, t][None, :]).max(dim=0)
            s = best
            ptrs.append(idx)
        s = s + end_transitions
        best, tag = s.max(dim=0)
        tags = [int(tag)]
        for idx in reversed(ptrs):
            tags.append(int(idx[tags[-1]]))
        tags = tags[::-1]
        tags += [tags[-1]] * (L - len(tags))
        path[b, :L] = torch.tensor(tags, device=emissions.device)
        scores.append(best)
    return torch.stack(scores), path
