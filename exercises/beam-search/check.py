"""Checker for `beam-search`.

The reference is a plain float64 beam search written out below. Every case is built
from the first seed whose decisions are all clear (each pruning step's k-th and
(k+1)-th candidates, and the best two finished hypotheses, differ by more than
1e-4), so float32 and float64 searches make the same choices.
"""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, randn

_GAP = 1e-4


def _search(lp, start, eos, k, max_len, alpha, *, mode="ok", gaps=None):
    """Beam search over a first-order model; `mode` switches on a classic mistake.

    Returns (tokens, normalised score) of the best finished hypothesis.
    """
    V = lp.shape[0]
    if mode == "greedy":
        k = 1
    beams = [((), 0.0)]  # (tokens, summed log-prob)
    finished = []
    for _t in range(1, max_len + 1):
        cands = []
        for toks, s in beams:
            row = start if not toks else lp[toks[-1]]
            for v in range(V):
                step = float(row[v])
                total = step if mode == "no-sum" else s + step
                cands.append((toks + (v,), total))
        if mode == "per-beam-best" and beams[0][0]:
            # each beam extends by its own best token only
            cands = [max((c for c in cands if c[0][:-1] == b[0]), key=lambda c: c[1])
                     for b in beams]
        cands.sort(key=lambda c: c[1], reverse=True)
        if gaps is not None and len(cands) > k:
            gaps.append(cands[k - 1][1] - cands[k][1])
        if mode == "refill":
            # retire the EOS ones among the top k, but refill the alive beam to k
            fin = [c for c in cands[:k] if c[0][-1] == eos]
            top = fin + [c for c in cands if c[0][-1] != eos][:k]
        else:
            top = cands[:k]
        beams = []
        for toks, s in top:
            if toks[-1] == eos and mode != "eos-ignored":
                finished.append((toks, s))
            else:
                beams.append((toks, s))
        if not beams:
            break
    if mode != "survivors-dropped" or not finished:
        finished += beams  # hypotheses that reached max_len without EOS

    def length(toks):
        if mode == "length-without-eos" and toks[-1] == eos:
            return max(1, len(toks) - 1)
        return len(toks)

    a = 0.0 if mode == "no-normalisation" else alpha
    scored = sorted(((s / length(toks) ** a, toks, s) for toks, s in finished), reverse=True)
    if gaps is not None and len(scored) > 1:
        gaps.append(scored[0][0] - scored[1][0])
    best_score, toks, raw = scored[0]
    if mode == "raw-score":
        best_score = raw
    return torch.tensor(toks, dtype=torch.long), torch.tensor(best_score, dtype=torch.float64)


def _tables(V, seed, scale, eos, eos_bias):
    logits = randn(V, V, seed=seed, scale=scale)
    logits[:, eos] += eos_bias
    start_logits = randn(V, seed=seed + 1, scale=scale)
    return torch.log_softmax(logits, -1), torch.log_softmax(start_logits, -1)


def _case(name, V, eos, beam_size, max_len, length_penalty, seed, *, scale=2.0, eos_bias=0.0,
          want_len=None, differs=()):
    for s in range(seed, seed + 500):
        lp, start = _tables(V, s, scale, eos, eos_bias)
        gaps = []
        toks, _ = _search(lp.double(), start.double(), eos, beam_size, max_len, length_penalty,
                          gaps=gaps)
        if gaps and min(gaps) <= _GAP:
            continue
        if want_len is not None and not want_len(len(toks)):
            continue
        other = [_search(lp.double(), start.double(), eos, beam_size, max_len, length_penalty,
                         mode=m)[0] for m in differs]
        if any(o.shape == toks.shape and bool((o == toks).all()) for o in other):
            continue
        break
    else:  # pragma: no cover - the checker's own sanity
        raise RuntimeError(f"no clear case for {name}")
    args = {"log_probs": lp, "start_log_probs": start, "eos": eos, "beam_size": beam_size,
            "max_len": max_len, "length_penalty": length_penalty}
    return Case(name, args, tol=Tol(atol=1e-5, rtol=1e-5))


@also_in(torch.float64)
def cases():
    yield _case("V=2, beam 1, max_len 1", 2, 0, 1, 1, 1.0, seed=1)
    yield _case("beam_size 1 (greedy), V=5", 5, 4, 1, 6, 1.0, seed=10, eos_bias=1.0)
    yield _case("V=6, beam 3, EOS = 0, length_penalty 1", 6, 0, 3, 8, 1.0, seed=20,
                eos_bias=0.5, want_len=lambda n: 1 < n < 8, differs=("greedy", "no-sum"))
    yield _case("V=7, beam 2, length_penalty 0.6", 7, 3, 2, 10, 0.6, seed=30, eos_bias=0.5,
                differs=("greedy",))
    yield _case("V=9, beam 4, length_penalty 0 (plain sum)", 9, 8, 4, 7, 0.0, seed=40,
                eos_bias=0.3, differs=("greedy",))
    yield _case("EOS is likely: short answers", 5, 2, 3, 6, 1.0, seed=50, eos_bias=2.0,
                differs=("eos-ignored",))
    yield _case("EOS unlikely: runs to max_len", 6, 1, 3, 5, 1.0, seed=60, eos_bias=-4.0,
                want_len=lambda n: n == 5, differs=("greedy",))
    yield _case("beam_size = V (= 4)", 4, 3, 4, 6, 0.8, seed=70, eos_bias=0.5,
                differs=("per-beam-best",))
    yield _case("V=11, beam 5, max_len 12, length_penalty 1.2", 11, 5, 5, 12, 1.2, seed=80,
                scale=1.5, eos_bias=1.0, differs=("no-normalisation",))
    yield _case("peaked table (scale 4), beam 3", 8, 7, 3, 9, 1.0, seed=90, scale=4.0,
                eos_bias=0.5, differs=("greedy", "per-beam-best"))
    yield _case("flat table (scale 0.5), beam 4", 8, 0, 4, 9, 0.7, seed=100, scale=0.5,
                eos_bias=0.5, differs=("greedy", "length-without-eos"))
    yield _case("beam 3, length_penalty 1, normalisation decides", 6, 2, 3, 10, 1.0,
                seed=110, eos_bias=0.0, differs=("no-normalisation", "length-without-eos"))
    yield _case("an EOS takes a beam slot: the beam shrinks", 6, 3, 4, 5, 1.0, seed=120,
                eos_bias=1.0, differs=("refill",))


def reference(case):
    a = case.args
    return _search(a["log_probs"], a["start_log_probs"], a["eos"], a["beam_size"],
                   a["max_len"], a["length_penalty"])


def _variant(mode, needs=None):
    def compute(case):
        a = case.args
        if needs is not None and not needs(a):
            raise ValueError("not distinguishable here")
        return _search(a["log_probs"], a["start_log_probs"], a["eos"], a["beam_size"],
                       a["max_len"], a["length_penalty"], mode=mode)
    return compute


_greedy = _variant("greedy", lambda a: a["beam_size"] > 1)


_TOKENS = ("out.0",)
_BOTH = ("out.0", "out.1")

VARIANTS = [
    Variant("the hypotheses still alive after max_len are finished too (candidates for the "
            "answer): compare them with the EOS-finished ones by their normalised score, not "
            "only when nothing emitted EOS", _variant("survivors-dropped"), keys=_TOKENS),
    Variant("a hypothesis that ends in EOS uses up one of the beam_size slots of that step: "
            "keep the beam_size best extensions, then retire the EOS ones (the beam shrinks; "
            "do not refill it from lower-ranked extensions)", _variant("refill"), keys=_TOKENS),
    Variant("you decoded greedily (one hypothesis): keep the beam_size best of all "
            "beam × V extensions at every step", _greedy, keys=_TOKENS),
    Variant("you ranked the extensions by the last step's log-prob alone: a hypothesis's "
            "score is the SUM of the log-probs of all its tokens", _variant("no-sum"),
            keys=_TOKENS),
    Variant("each beam kept only its own best continuation: take the beam_size best among "
            "ALL beam × V extensions together (one beam may supply several)",
            _variant("per-beam-best"), keys=_TOKENS),
    Variant("a hypothesis that emits EOS is finished: move it out of the beam and stop "
            "expanding it (you kept extending past EOS)", _variant("eos-ignored"),
            keys=_TOKENS),
    Variant("you chose the final answer by the raw sum: compare finished hypotheses by "
            "sum / len ** length_penalty", _variant("no-normalisation",
                                                    lambda a: a["length_penalty"] != 0),
            keys=_TOKENS),
    Variant("the length of a hypothesis counts its EOS token too: len is the number of "
            "tokens including EOS", _variant("length-without-eos",
                                             lambda a: a["length_penalty"] != 0), keys=_BOTH),
    Variant("return the normalised score sum / len ** length_penalty, not the raw summed "
            "log-prob", _variant("raw-score", lambda a: a["length_penalty"] != 0),
            keys=_BOTH),
]


def diagnose(case, got, want):
    toks = got.get("out.0")
    max_len = case.args["max_len"]
    if isinstance(toks, torch.Tensor) and toks.dim() == 1 and toks.numel() > max_len:
        return (f"at most max_len tokens: step 1 already emits the first token, so after step "
                f"max_len = {max_len} a hypothesis has {max_len} tokens; you returned "
                f"{toks.numel()}")
    return None
