# expect: SUM of the log-probs
"""Ranks extensions by the new token's log-prob only (forgets the prefix's score)."""
import torch
from torch import Tensor


def beam_search(log_probs: Tensor, start_log_probs: Tensor, eos: int, beam_size: int,
                max_len: int, length_penalty: float = 1.0) -> tuple[Tensor, Tensor]:
    """Beam search over a first-order model log p(y_t | y_{t-1}) = log_probs[y_{t-1}, y_t]."""
    V = log_probs.shape[0]
    device = log_probs.device
    # Alive beams: token rows [n, t] and summed log-probs [n]; step 1 expands the empty prefix.
    tokens = torch.empty(1, 0, dtype=torch.long, device=device)
    scores = torch.zeros(1, dtype=log_probs.dtype, device=device)
    finished: list[tuple[Tensor, Tensor]] = []
    for t in range(max_len):
        step = start_log_probs[None, :] if t == 0 else log_probs[tokens[:, -1]]  # [n, V]
        cand = step.expand(len(scores), V).reshape(-1)  # the new token only
        top, idx = cand.topk(min(beam_size, cand.numel()))   # best first, over all beams
        beam, token = idx // V, idx % V
        tokens = torch.cat([tokens[beam], token[:, None]], dim=1)
        scores = top
        done = token == eos
        for i in done.nonzero().flatten().tolist():
            finished.append((tokens[i], scores[i]))
        tokens, scores = tokens[~done], scores[~done]
        if tokens.shape[0] == 0:
            break
    finished += list(zip(tokens, scores))  # reached max_len without EOS

    def normalised(hyp: tuple[Tensor, Tensor]) -> Tensor:
        toks, total = hyp
        return total / len(toks) ** length_penalty

    best = max(finished, key=lambda h: float(normalised(h)))
    return best[0], normalised(best)
