"""Checker for `sgd-momentum`.

Each case runs the learner's `sgd_momentum_step` for K consecutive steps on the same state
(a custom `drive`), the per-step gradients stacked in `grads`, `step` the number of the
first update. The reference is torch.optim.SGD itself in float64 over the same gradients.
"""

import torch

from study.kata.presets import FUSED_OPTIM_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, generator, sibling

_drive = sibling(__file__, "drive")  # the model and helpers the sandbox uses too
_STATE = _drive._STATE

BAN = Ban(
    functions=("torch._fused_sgd_", "torch._fused_sgd"),
    aten=("aten::_fused_sgd_", "aten::_fused_sgd"),
    modules=("torch.optim", "torch.distributed.optim"),
    families=(FUSED_OPTIM_FAMILY,),
    reason="the SGD update is what this kata asks you to write; everything in torch.optim is "
           "off limits (torch._foreach_* ops are fine)",
)


def reference(case):
    a = case.args
    param = a["param"]
    opt = torch.optim.SGD([param], lr=a["lr"], momentum=a["momentum"],
                          dampening=a["dampening"], weight_decay=a["weight_decay"],
                          nesterov=a["nesterov"], foreach=False)
    if a["step"] > 1:  # resuming from a saved buffer
        opt.state[param] = {"momentum_buffer": a["momentum_buffer"].clone()}
    for g in a["grads"]:
        param.grad = g.clone()
        opt.step()
    a["momentum_buffer"].copy_(opt.state[param]["momentum_buffer"])
    param.grad = None
    return {}


def _manual(case, *, damp_first=False, ema=False, no_nesterov=False, no_decay=False,
            decay_after=False, zero_start=False, nesterov_old_buf=False):
    a = case.args
    p, b = a["param"].clone(), a["momentum_buffer"].clone()
    lr, mu, tau, wd = a["lr"], a["momentum"], a["dampening"], a["weight_decay"]
    nesterov = a["nesterov"] and not no_nesterov
    for i, g in enumerate(a["grads"]):
        t = a["step"] + i
        if wd and not no_decay and not decay_after:
            g = g + wd * p
        old = b
        if ema:
            b = mu * b + (1 - mu) * g if t > 1 or zero_start else g.clone()
            if t == 1 and not zero_start:
                b = (1 - mu) * g
        elif t == 1 and not zero_start:
            b = (1 - tau) * g if damp_first else g.clone()
        else:
            b = mu * b + (1 - tau) * g
        d = g + mu * (old if nesterov_old_buf else b) if nesterov else b
        p = p - lr * d
        if wd and decay_after and not no_decay:
            p = p - lr * wd * p
    return {"param": p, "momentum_buffer": b}


def _v(cond=lambda a: True, **kw):
    return lambda case: _manual(case, **kw) if cond(case.args) else None


_P = ("out.param", "out.momentum_buffer")
_first = lambda a: a["step"] == 1  # noqa: E731

VARIANTS = [
    Variant("the first step dampens the gradient: PyTorch sets the buffer to the gradient "
            "itself at step 1 (buf = grad), dampening applies from step 2 on",
            _v(lambda a: _first(a) and a["dampening"], damp_first=True), keys=_P),
    Variant("at step 1 the buffer must become the gradient (buf = grad), whatever it held: you "
            "applied buf = momentum * buf + (1 - dampening) * grad to the incoming buffer",
            _v(_first, zero_start=True), keys=_P),
    Variant("you used the exponential-moving-average form buf = momentum * buf + (1 - momentum) "
            "* grad: PyTorch's buffer is momentum * buf + (1 - dampening) * grad",
            _v(ema=True), keys=_P),
    Variant("nesterov=True was ignored: the step direction is grad + momentum * buf (with the "
            "updated buffer), not buf", _v(lambda a: a["nesterov"], no_nesterov=True), keys=_P),
    Variant("Nesterov's look-ahead uses the updated buffer: d = grad + momentum * buf after "
            "buf has been updated, not the previous buffer",
            _v(lambda a: a["nesterov"], nesterov_old_buf=True), keys=_P),
    Variant("you ignored weight_decay", _v(lambda a: a["weight_decay"], no_decay=True),
            keys=_P),
    Variant("weight decay was applied to the weights after the step (decoupled): SGD's "
            "weight_decay is L2, grad = grad + weight_decay * param, before the buffer",
            _v(lambda a: a["weight_decay"], decay_after=True), keys=_P),
]


def diagnose(case, got, want):
    a = case.args
    for name in _STATE:
        t = got.get(f"after.{name}")
        if isinstance(t, torch.Tensor) and t.shape == a[name].shape and torch.equal(
                t.to(a[name].dtype), a[name]) and not torch.equal(
                want[f"after.{name}"].to(a[name].dtype), a[name]):
            return (f"{name} was not updated: change it in place ({name}.mul_, .add_, "
                    f".copy_); `{name} = ...` only rebinds your local name")
    return None


def _case(name, *, shape, k, seed, step=1, lr=0.01, momentum=0.9, dampening=0.0,
          weight_decay=0.0, nesterov=False):
    gen = generator(seed)
    param = torch.randn(shape, generator=gen, dtype=torch.float64)
    grads = torch.randn((k, *shape), generator=gen, dtype=torch.float64)
    if step == 1:  # garbage in the buffer: the first step must overwrite it
        buf = torch.randn(shape, generator=gen, dtype=torch.float64) * 3
    else:
        buf = torch.randn(shape, generator=gen, dtype=torch.float64) * 0.5
    args = {"param": param.float(), "grads": grads.float(), "momentum_buffer": buf.float(),
            "step": step, "lr": lr, "momentum": momentum, "dampening": dampening,
            "weight_decay": weight_decay, "nesterov": nesterov}
    scale = 1.0 / max(1e-3, 1 - momentum)  # the buffer grows to about |g| / (1 - momentum)
    return Case(name, args, mutable=_STATE,
                tol=Tol(atol=2e-6 * scale * (1 + lr * k), rtol=2e-6 + 2e-7 * k))


@also_in(torch.float64)
def cases():
    yield _case("the first update (the buffer becomes the gradient)", shape=(7,), k=1, seed=1)
    yield _case("20 steps, momentum 0.9", shape=(5, 3), k=20, seed=2, lr=0.05)
    yield _case("Nesterov, 15 steps", shape=(6, 4), k=15, seed=3, lr=0.05, nesterov=True)
    yield _case("dampening 0.5, 12 steps", shape=(9,), k=12, seed=4, lr=0.1, dampening=0.5)
    yield _case("weight decay 0.1, 10 steps", shape=(4, 4, 2), k=10, seed=5, lr=0.1,
                weight_decay=0.1)
    yield _case("Nesterov with weight decay 0.05, momentum 0.8", shape=(11,), k=10, seed=6,
                lr=0.1, momentum=0.8, weight_decay=0.05, nesterov=True)
    yield _case("momentum 0.99, 30 steps", shape=(3, 5), k=30, seed=7, lr=0.01, momentum=0.99)
    yield _case("resuming at step 41 from a saved buffer", shape=(8,), k=5, seed=8, step=41,
                lr=0.05)
    yield _case("resuming at step 7, Nesterov", shape=(2, 5), k=4, seed=9,
                step=7, lr=0.05, nesterov=True)
    yield _case("a scalar (0-dim) parameter, 6 steps", shape=(), k=6, seed=10, lr=0.1)
    yield _case("a larger matrix [64, 33], weight decay 1e-4", shape=(64, 33), k=8, seed=11,
                lr=0.02, weight_decay=1e-4)
    yield _case("dampening 0.9 from step 1", shape=(1,), k=5, seed=12, lr=0.1, dampening=0.9)
