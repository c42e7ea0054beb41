"""Checker for `viterbi-decode`."""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, randn


def _decode(em, trans, start, end, lengths):
    """Plain float64 Viterbi, one sequence at a time: (scores [B], paths [B, T])."""
    B, T, K = em.shape
    scores, paths = [], torch.full((B, T), -1, dtype=torch.long)
    for b in range(B):
        L = int(lengths[b])
        s = start + em[b, 0]
        ptrs = []
        for t in range(1, L):
            cand = s[:, None] + trans + em[b, t][None, :]
            s, idx = cand.max(dim=0)
            ptrs.append(idx)
        s = s + end
        best, tag = s.max(dim=0)
        tags = [int(tag)]
        for idx in reversed(ptrs):
            tags.append(int(idx[tags[-1]]))
        paths[b, :L] = torch.tensor(tags[::-1])
        scores.append(best)
    return torch.stack(scores), paths


def _margin(em, trans, start, end, L):
    """Best score minus second-best score of one sequence, by max-marginals."""
    em = em[:L]
    K = em.shape[1]
    alpha = [start + em[0]]
    for t in range(1, L):
        alpha.append((alpha[-1][:, None] + trans).amax(0) + em[t])
    beta = [end]
    for t in range(L - 2, -1, -1):
        beta.append((trans + em[t + 1][None, :] + beta[-1][None, :]).amax(1))
    beta = beta[::-1]
    mm = torch.stack([a + b for a, b in zip(alpha, beta, strict=False)])  # [L, K] max-marginals
    best = mm.amax(1)
    if K == 1:
        return float("inf")
    top2 = mm.topk(2, dim=1).values
    return float((top2[:, 0] - top2[:, 1]).min()), float(best[0])


def _case(name, B, T, K, seed, lengths=None, scale=1.0):
    for s in range(seed, seed + 50):  # the first seed whose best paths are clear winners
        em = randn(B, T, K, seed=s, scale=2.0 * scale)
        trans = randn(K, K, seed=s + 1000, scale=scale)
        start = randn(K, seed=s + 2000, scale=scale)
        end = randn(K, seed=s + 3000, scale=scale)
        lens = torch.tensor(lengths) if lengths is not None else torch.full((B,), T)
        margins = [_margin(em[b].double(), trans.double(), start.double(), end.double(),
                           int(lens[b])) for b in range(B)]
        if all(m == float("inf") or m[0] > 1e-3 * scale for m in margins):
            break
    mask = torch.arange(T)[None, :] < lens[:, None]
    mag = float(em.abs().max() + trans.abs().max() + start.abs().max() + end.abs().max())
    return Case(name, {"emissions": em, "transitions": trans, "start_transitions": start,
                       "end_transitions": end, "mask": mask},
                tol=Tol(atol=1e-6 * mag * T, rtol=1e-6))


@also_in(torch.float64)
def cases():
    yield _case("B=1, T=1, K=1", 1, 1, 1, seed=1)
    yield _case("B=1, T=1, K=4 (only start + emission + end)", 1, 1, 4, seed=2)
    yield _case("B=1, T=6, K=1", 1, 6, 1, seed=3)
    yield _case("B=3, T=5, K=4, full length", 3, 5, 4, seed=4)
    yield _case("B=2, T=9, K=7, full length", 2, 9, 7, seed=5)
    yield _case("B=4, T=7, K=5, lengths 7, 3, 1, 5 (padding)", 4, 7, 5, seed=6,
                lengths=[7, 3, 1, 5])
    yield _case("B=5, T=12, K=3, ragged lengths", 5, 12, 3, seed=7,
                lengths=[12, 11, 2, 6, 9])
    yield _case("B=3, T=8, K=6, strong transitions", 3, 8, 6, seed=8, lengths=[8, 4, 6],
                scale=5.0)
    yield _case("B=2, T=15, K=9", 2, 15, 9, seed=9, lengths=[10, 15])


def reference(case):
    a = case.args
    lengths = a["mask"].sum(1)
    return _decode(a["emissions"], a["transitions"], a["start_transitions"],
                   a["end_transitions"], lengths)


def _variant(transform):
    def compute(case):
        a = dict(case.args)
        lengths = a["mask"].sum(1)
        return transform(a, lengths)
    return compute


def _zero(v):
    return torch.zeros_like(v)


VARIANTS = [
    Variant("transitions[i, j] is the score of moving FROM tag i TO tag j; you used it the "
            "other way round (transitions.T)",
            _variant(lambda a, L: _decode(a["emissions"], a["transitions"].T,
                                          a["start_transitions"], a["end_transitions"], L))),
    Variant("you left out start_transitions: the first step scores start[y_0] + em[0, y_0]",
            _variant(lambda a, L: _decode(a["emissions"], a["transitions"],
                                          _zero(a["start_transitions"]),
                                          a["end_transitions"], L))),
    Variant("you left out end_transitions: add end[y_{L-1}] at each sequence's last step "
            "before taking the best final tag",
            _variant(lambda a, L: _decode(a["emissions"], a["transitions"],
                                          a["start_transitions"], _zero(a["end_transitions"]),
                                          L))),
]


def _ignores_mask(case):
    a = case.args
    B, T, _ = a["emissions"].shape
    L = a["mask"].sum(1)
    if bool((L == T).all()):
        raise ValueError("no padding here")
    score, path = _decode(a["emissions"], a["transitions"], a["start_transitions"],
                          a["end_transitions"], torch.full((B,), T))
    return score, torch.where(a["mask"], path, torch.full_like(path, -1))


def _reversed(case):
    score, path = reference(case)
    L = case.args["mask"].sum(1)
    out = path.clone()
    for b in range(path.shape[0]):
        out[b, :L[b]] = path[b, :L[b]].flip(0)
    return score, out


def _zero_pad(case):
    score, path = reference(case)
    if bool(case.args["mask"].all()):
        raise ValueError("no padding here")
    return score, path.clamp(min=0)


def _one_step_short(case):
    a = case.args
    L = a["mask"].sum(1)
    if bool((L <= 1).all()):
        raise ValueError("a single step: nothing to skip")
    return _decode(a["emissions"], a["transitions"], a["start_transitions"],
                   a["end_transitions"], (L - 1).clamp(min=1))


VARIANTS += [
    Variant("the recursion stops one step early (off by one): run it for t = 1 .. L - 1, so "
            "the last step's transition and emission count too", _one_step_short,
            keys=("out.0",)),
    Variant("padded steps must take no part: at a step where mask is False keep each "
            "sequence's score unchanged, and add end_transitions at its own last step L - 1",
            _ignores_mask, keys=("out.0",)),
    Variant("the path comes out reversed: the backpointers are followed from the last step "
            "to the first, so flip the collected tags", _reversed, keys=("out.0", "out.1")),
    Variant("padded positions of best_path must hold -1, not 0", _zero_pad,
            keys=("out.0", "out.1")),
]
for _v in VARIANTS[:3]:
    _v.keys = ("out.0", "out.1")



def diagnose(case, got, want):
    """A right best_score with a wrong path: the backtrack is off (by one, most often)."""
    score, path = got.get("out.0"), got.get("out.1")
    if not (isinstance(score, torch.Tensor) and isinstance(path, torch.Tensor)
            and path.shape == want["out.1"].shape and score.shape == want["out.0"].shape):
        return None
    if not torch.allclose(score.double().cpu(), want["out.0"], atol=case.tol.atol + 1e-6,
                          rtol=max(case.tol.rtol, 1e-5)):
        return None
    a = case.args
    lengths = a["mask"].sum(1).tolist()
    path = path.cpu()
    shifted = bad = 0
    for b, L in enumerate(lengths):
        g, w = path[b, :L].tolist(), want["out.1"][b, :L].tolist()
        if g == w:
            continue
        bad += 1
        if L > 1 and (g[1:] == w[:-1] or g[:-1] == w[1:]):
            shifted += 1
    if not bad:
        return None
    if shifted == bad:
        return ("the backtrack is off by one: your path is the best path shifted by one step; "
                "the tag at step L - 1 is the argmax of the final scores, and the pointers "
                "saved while computing step t give the tag at step t - 1")
    return ("best_score is right but the path does not score it, so the backtrack is off (by "
            "one step, most often): start from the best last tag at each sequence's step "
            "L - 1, and the pointers saved while computing step t give the tag at step t - 1")
