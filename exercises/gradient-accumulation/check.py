"""Checker for `gradient-accumulation`: the checker builds a small MLP (Linear-Tanh-Linear)
and an SGD optimizer with momentum 0.9 from the case's weights (a custom `drive`), leaves
stale gradients in every `.grad`, calls the learner's loop once, and compares the returned
losses and the final weights with a float64 run that takes one full-batch step per group."""

import torch

from study.kata.toolkit import Case, Tol, Variant, randn, sibling

_drive = sibling(__file__, "drive")  # the model and helpers the sandbox uses too
_W, _model = _drive._W, _drive._model


def _run(case, *, no_scale=False, div_accum=False, every_micro=False, drop_last=False,
         no_zero=False, keep_stale=False, div_count=False, div_total=False):
    a = case.args
    x, y, mb, k = a["inputs"], a["targets"], a["micro_batch_size"], a["accum_steps"]
    model = _model(a, torch.float64, torch.device("cpu"))
    opt = torch.optim.SGD(model.parameters(), lr=a["lr"], momentum=0.9)
    for p in model.parameters():
        p.grad = torch.full_like(p, 0.5)
    xs, ys = x.split(mb), y.split(mb)
    if every_micro:
        k = 1
    losses = []
    first = True
    for start in range(0, len(xs), k):
        group = list(range(start, min(start + k, len(xs))))
        if drop_last and len(group) < k:
            break
        n = sum(xs[i].shape[0] for i in group)
        if not (no_zero and not first) and not (keep_stale and first):
            opt.zero_grad()
        first = False
        total = 0.0
        for i in group:
            w = (1.0 if no_scale else 1.0 / k if div_accum else 1.0 / len(group) if div_count
                 else 1.0 / len(xs) if div_total else xs[i].shape[0] / n)
            loss = ((model(xs[i]) - ys[i]) ** 2).mean() * w
            loss.backward()
            total += float(loss.detach())
        opt.step()
        losses.append(total)
    out = {"losses": torch.tensor(losses, dtype=torch.float64)}
    for p, name in zip(model.parameters(), _W, strict=True):
        out[name] = p.detach().clone()
    return out


def reference(case):
    return _run(case)


def _uneven(a):
    return a["inputs"].shape[0] % a["micro_batch_size"] != 0


def _v(cond=lambda a: True, **kw):
    return lambda case: _run(case, **kw) if cond(case.args) else None


_K = ("out.w1", "out.b1", "out.w2", "out.b2")

VARIANTS = [
    Variant("the micro-batch losses are not scaled: summing K mean losses makes the gradient "
            "K times too large; weight each by its share of the group's samples", _v(no_scale=True),
            keys=_K),
    Variant("each micro-batch loss is divided by accum_steps, but the last micro-batch (or "
            "group) is smaller: weight it by its number of samples over the group's total",
            _v(div_accum=True), keys=_K),
    Variant("each micro-batch loss is divided by the number of micro-batches in its group, "
            "but they are not all the same size: weight each by its number of samples over "
            "the group's total, so a short last micro-batch counts less",
            _v(_uneven, div_count=True), keys=_K),
    Variant("each micro-batch loss is divided by the total number of micro-batches in the "
            "data: scale within each group instead, weighting each micro-batch by its share of "
            "the group's samples (one optimizer step per group)", _v(div_total=True), keys=_K),
    Variant("you stepped the optimizer after every micro-batch: step once per accum_steps "
            "micro-batches", _v(lambda a: a["accum_steps"] > 1, every_micro=True), keys=_K),
    Variant("the last, incomplete group was dropped: it still gets its own optimizer step",
            _v(drop_last=True), keys=_K),
    Variant("gradients are not zeroed between groups, so each step also applies the previous "
            "groups' gradients: call optimizer.zero_grad() before each group",
            _v(no_zero=True), keys=_K),
    Variant("the model arrived with stale gradients in .grad and you did not clear them before "
            "the first group: zero the gradients before accumulating", _v(keep_stale=True),
            keys=_K),
]


def _case(name, n, d, h, k_out, mb, accum, seed, lr=0.1):
    args = {"w1": randn(h, d, seed=seed, scale=d ** -0.5), "b1": randn(h, seed=seed + 1, scale=0.1),
            "w2": randn(k_out, h, seed=seed + 2, scale=h ** -0.5),
            "b2": randn(k_out, seed=seed + 3, scale=0.1),
            "inputs": randn(n, d, seed=seed + 4), "targets": randn(n, k_out, seed=seed + 5),
            "micro_batch_size": mb, "accum_steps": accum, "lr": lr}
    return Case(name, args, tol=Tol(atol=2e-6, rtol=1e-5))


def cases():
    yield _case("32 samples, micro-batches of 4, accumulate 4 (2 updates)", 32, 5, 8, 2, 4, 4,
                seed=1)
    yield _case("accum_steps = 1 (plain SGD)", 12, 3, 6, 1, 4, 1, seed=2)
    yield _case("micro-batch of 1 sample, accumulate 5", 10, 4, 7, 3, 1, 5, seed=3)
    yield _case("30 samples, micro-batches of 4 (the last has 2), accumulate 3", 30, 6, 9, 2, 4, 3,
                seed=4)
    yield _case("25 samples, micro-batches of 5, accumulate 2 (a last group of one)",
                25, 4, 5, 1, 5, 2, seed=5)
    yield _case("all data in one group (accum_steps > number of micro-batches)", 14, 3, 4, 2, 3, 10,
                seed=6)
    yield _case("a wider model, 64 samples, micro 8, accumulate 4, lr 0.05", 64, 16, 32, 4, 8, 4,
                seed=7, lr=0.05)


def check(case, got, want):
    largest, mb = got.get("info.largest_batch"), case.args["micro_batch_size"]
    if isinstance(largest, int) and largest > mb:
        return [f"the model was called on a batch of {largest} samples, but micro_batch_size "
                f"is {mb}: run one forward and backward per micro-batch and let the gradients "
                "add up in .grad; one pass over the whole group gives the same step but needs "
                "the memory for all its activations, which accumulation exists to avoid"]
    if got.get("info.forward_calls") == 0:
        return ["the model was never called: compute each micro-batch's loss with model(x)"]
    forwards, backwards = got.get("info.graph_forwards"), got.get("info.backward_passes")
    if isinstance(forwards, int) and isinstance(backwards, int) and backwards < forwards:
        return [f"{forwards} micro-batch forward passes but only {backwards} backward "
                "passes: you summed several micro-batches' losses and called backward() once, "
                "so every micro-batch's graph (its activations) stayed in memory until then; "
                "call loss.backward() right after each micro-batch's forward pass"]
    return []
