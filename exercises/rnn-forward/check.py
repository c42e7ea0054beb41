"""Checker for `rnn-forward`: a tanh Elman RNN over a sequence, as nn.RNN computes it."""

import torch

from study.kata.presets import RNN
from study.kata.toolkit import Case, Tol, Variant, also_in, rand, randn

BAN = RNN.because(
    "the recurrence is what this kata asks you to write; build it from matmul and tanh"
)

_GRADS = ("x", "h0", "w_ih", "w_hh")


def _args(T, B, I, H, seed, w_scale=0.5, zero_h0=False):  # noqa: E741 - the contract's names
    s = 100 * seed
    h0 = torch.zeros(B, H) if zero_h0 else rand(B, H, seed=s + 1, low=-1.0, high=1.0)
    return {"x": randn(T, B, I, seed=s), "h0": h0,
            "w_ih": randn(H, I, seed=s + 2, scale=w_scale),
            "w_hh": randn(H, H, seed=s + 3, scale=w_scale),
            "b_ih": randn(H, seed=s + 4, scale=0.3), "b_hh": randn(H, seed=s + 5, scale=0.3)}


def _tol(a, T):
    # float32 rounding of each pre-activation, carried (and at worst amplified by ||W_hh||)
    # through T steps; gradients sum over T·B terms.
    H = a["w_hh"].shape[0]
    gain = max(1.0, float(torch.linalg.matrix_norm(a["w_hh"].double(), ord=2)))
    width = a["x"].shape[-1] + H
    return Tol(atol=2e-6 * width ** 0.5 * min(gain ** T, 50.0) * T, rtol=1e-5)


@also_in(torch.float64)
def cases():
    specs = [
        ("T = 1, B = 1, I = 3, H = 4", dict(T=1, B=1, I=3, H=4, seed=1)),
        ("T = 5, batch of 3, I = 4, H = 6", dict(T=5, B=3, I=4, H=6, seed=2)),
        ("I = H = 1, T = 7, batch of 2", dict(T=7, B=2, I=1, H=1, seed=3)),
        ("zero initial state, T = 9, B = 4, I = 5, H = 7",
         dict(T=9, B=4, I=5, H=7, seed=4, zero_h0=True)),
        ("a long sequence, T = 40, B = 2, I = 3, H = 5", dict(T=40, B=2, I=3, H=5, seed=5,
                                                              w_scale=0.3)),
        ("input wider than the state (I = 33, H = 3), T = 4", dict(T=4, B=5, I=33, H=3, seed=6)),
        ("state wider than the input (I = 2, H = 17), T = 6", dict(T=6, B=3, I=2, H=17, seed=7)),
        ("saturating tanh (large weights), T = 6", dict(T=6, B=3, I=4, H=5, seed=8, w_scale=4.0)),
    ]
    for name, spec in specs:
        a = _args(**spec)
        yield Case(name, a, tol=_tol(a, spec["T"]), grad=_GRADS)


# --- reference and known mistakes (float64) --------------------------------------------------

def _run(a, act=torch.tanh, transpose_hh=True, use_h0=True, b_hh=True, shift=False,
         last_is_first=False):
    x, w_ih, w_hh = a["x"], a["w_ih"], a["w_hh"]
    h = a["h0"] if use_h0 else torch.zeros_like(a["h0"])
    whh = w_hh.T if transpose_hh else w_hh
    steps = [h] if shift else []
    for t in range(x.shape[0]):
        pre = x[t] @ w_ih.T + a["b_ih"] + h @ whh
        if b_hh:
            pre = pre + a["b_hh"]
        h = act(pre)
        steps.append(h)
    if shift:
        steps = steps[:-1]
    out = torch.stack(steps)
    return out, (out[0] if last_is_first else h)


def reference(case):
    return _run(case.args)


_BOTH = ("out.0", "out.1")
VARIANTS = [
    Variant("w_hh is stored [out, in] like nn.RNN's weight_hh: multiply by its transpose, "
            "h @ w_hh.T", lambda c: _run(c.args, transpose_hh=False), keys=_BOTH),
    Variant("you ignored h0 and started from zeros: the recurrence starts from the given h0",
            lambda c: _run(c.args, use_h0=False), keys=_BOTH),
    Variant("outputs[t] must be the state after reading x[t] (h_{t+1}): you stored the state "
            "before the update, so outputs starts with h0 and misses the last state",
            lambda c: _run(c.args, shift=True), keys=("out.0",)),
    Variant("the hidden bias b_hh is missing: both b_ih and b_hh are added",
            lambda c: _run(c.args, b_hh=False), keys=_BOTH),
    Variant("the nonlinearity is tanh (nn.RNN's default), not ReLU",
            lambda c: _run(c.args, act=torch.relu), keys=_BOTH),
    Variant("the second result is the LAST hidden state h_T (outputs[-1]), not the first",
            lambda c: _run(c.args, last_is_first=True), keys=("out.1",)),
]


def diagnose(case, got, want):
    out = got.get("out.0")
    if isinstance(out, torch.Tensor) and out.shape == want["out.0"].shape:
        g = want.get("grad.w_hh")
        gg = got.get("grad.w_hh")
        if g is not None and gg is None:
            return ("no gradient reached w_hh: keep every step in the autograd graph (no "
                    ".detach(), .item() or torch.no_grad() inside the loop)")
    return None
