# expect: at most max_len tokens: step 1 already emits the first token
"""Counts the start token as step 0, so hypotheses can reach max_len + 1 tokens."""
import torch


def beam_search(log_probs, start_log_probs, eos, beam_size, max_len, length_penalty=1.0):
    V = start_log_probs.shape[0]
    tokens = torch.empty(1, 0, dtype=torch.long)
    scores = torch.zeros(1, dtype=log_probs.dtype)
    finished = []
    for t in range(max_len + 1):
        row = start_log_probs[None] if t == 0 else log_probs[tokens[:, -1]]
        top, idx = (scores[:, None] + row).reshape(-1).topk(beam_size)
        beam, tok = idx // V, idx % V
        nt = torch.cat([tokens[beam], tok[:, None]], 1)
        e = tok == eos
        finished += [(nt[i], top[i]) for i in torch.nonzero(e).flatten().tolist()]
        tokens, scores = nt[~e], top[~e]
        if len(tokens) == 0:
            break
    finished += [(tokens[i], scores[i]) for i in range(len(tokens))]
    toks, s = max(finished, key=lambda f: (f[1] / len(f[0]) ** length_penalty).item())
    return toks.clone(), (s / len(toks) ** length_penalty).reshape(())
