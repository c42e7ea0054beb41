# expect: the beam shrinks; do not refill it
"""Refills the beam from lower-ranked non-EOS extensions after retiring EOS ones (as Hugging Face does)."""
"""HF-style: finished hypotheses are retired but the alive beam is always refilled to
beam_size from the best non-EOS extensions (looks at more than beam_size candidates)."""
import torch


def beam_search(log_probs, start_log_probs, eos, beam_size, max_len, length_penalty=1.0):
    V = start_log_probs.shape[0]
    tokens = torch.empty(1, 0, dtype=torch.long)
    scores = torch.zeros(1, dtype=log_probs.dtype)
    finished = []
    for t in range(max_len):
        row = start_log_probs[None] if t == 0 else log_probs[tokens[:, -1]]
        cand = (scores[:, None] + row).reshape(-1)
        top, idx = cand.sort(descending=True)
        beam, tok = idx // V, idx % V
        new_t, new_s = [], []
        for r in range(len(idx)):
            nt = torch.cat([tokens[beam[r]], tok[r:r + 1]])
            if tok[r] == eos:
                if r < beam_size:
                    finished.append((nt, top[r]))
            else:
                new_t.append(nt); new_s.append(top[r])
            if len(new_t) == beam_size:
                break
        tokens, scores = torch.stack(new_t), torch.stack(new_s)
    finished += [(tokens[i], scores[i]) for i in range(len(tokens))]
    toks, s = max(finished, key=lambda f: (f[1] / len(f[0]) ** length_penalty).item())
    return toks.clone(), (s / len(toks) ** length_penalty).reshape(())
