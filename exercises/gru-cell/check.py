"""Checker for `gru-cell`: one step of nn.GRUCell, gate order r, z, n."""

import torch

from study.kata.presets import RNN
from study.kata.toolkit import Case, Tol, Variant, also_in, rand, randn

BAN = RNN.because(
    "the GRU cell is what this kata asks you to write; build it from matmul, "
    "sigmoid and tanh"
)


# --- inputs -------------------------------------------------------------------------------

def _args(B: int, I: int, H: int,  # noqa: E741 - the contract's names
          seed: int, w_scale: float = 0.5, x_scale: float = 1.0,
          zero_state: bool = False) -> dict:
    s = 100 * seed
    h = rand(B, H, seed=s + 1, low=-1.0, high=1.0)  # a GRU state lives in (-1, 1)
    if zero_state:
        h = torch.zeros(B, H)
    return {
        "x": randn(B, I, seed=s, scale=x_scale), "h": h,
        "w_ih": randn(3 * H, I, seed=s + 3, scale=w_scale),
        "w_hh": randn(3 * H, H, seed=s + 4, scale=w_scale),
        "b_ih": randn(3 * H, seed=s + 5, scale=0.5),
        "b_hh": randn(3 * H, seed=s + 6, scale=0.5),
    }


def _tol(a: dict) -> Tol:
    # The pre-activations are dot products of length I and H: float32 rounds them to about
    # 1e-7 of the sum of |terms|; sigmoid/tanh do not amplify that (slope <= 1).
    d = {k: v.double() for k, v in a.items()}
    s = (d["x"].abs() @ d["w_ih"].abs().T + d["h"].abs() @ d["w_hh"].abs().T
         + d["b_ih"].abs() + d["b_hh"].abs()).max()
    return Tol(atol=2e-6 + 2e-6 * float(s), rtol=1e-5)


@also_in(torch.float64)
def cases():
    specs = [
        ("B = 1, I = 3, H = 5", dict(B=1, I=3, H=5, seed=1)),
        ("batch of 4, I = 10, H = 7", dict(B=4, I=10, H=7, seed=2)),
        ("I = H = 1, batch of 5", dict(B=5, I=1, H=1, seed=3)),
        ("batch of 8, I = H = 16", dict(B=8, I=16, H=16, seed=4)),
        ("zero initial state (h = 0)", dict(B=3, I=33, H=17, seed=5, zero_state=True)),
        ("input wider than the state (I = 64, H = 3)", dict(B=2, I=64, H=3, seed=6)),
        ("state wider than the input (I = 2, H = 24)", dict(B=7, I=2, H=24, seed=7)),
        ("large weights (gates saturate)", dict(B=4, I=12, H=6, seed=9, w_scale=15.0,
                                                 x_scale=2.0)),
    ]
    for name, spec in specs:
        a = _args(**spec)
        yield Case(name, a, tol=_tol(a))


# --- reference and known mistakes (float64) --------------------------------------------------

def _step(a: dict, order: str = "rzn", reset: str = "after", swap_z: bool = False,
          b_hh: bool = True, n_act=torch.tanh):
    bh = a["b_hh"] if b_hh else torch.zeros_like(a["b_hh"])
    gx = dict(zip(order, (a["x"] @ a["w_ih"].T + a["b_ih"]).chunk(3, dim=1), strict=True))
    gh = dict(zip(order, (a["h"] @ a["w_hh"].T + bh).chunk(3, dim=1), strict=True))
    r = torch.sigmoid(gx["r"] + gh["r"])
    z = torch.sigmoid(gx["z"] + gh["z"])
    H = a["h"].shape[1]
    w_hn = a["w_hh"][order.index("n") * H:(order.index("n") + 1) * H]
    b_hn = bh[order.index("n") * H:(order.index("n") + 1) * H]
    if reset == "after":  # PyTorch / cuDNN: r scales W_hn h + b_hn
        hidden = r * gh["n"]
    elif reset == "before":  # Cho et al. 2014: r scales h before the matmul
        hidden = (r * a["h"]) @ w_hn.T + b_hn
    elif reset == "bias-outside":  # r scales W_hn h only; b_hn added outside
        hidden = r * (a["h"] @ w_hn.T) + b_hn
    else:  # "none": the reset gate is not applied
        hidden = gh["n"]
    n = n_act(gx["n"] + hidden)
    return z * n + (1 - z) * a["h"] if swap_z else (1 - z) * n + z * a["h"]


def reference(case):
    return _step(case.args)


VARIANTS = [
    Variant("PyTorch's GRU applies the reset gate after the matmul, "
            "n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); you computed W_hn (r ⊙ h) + b_hn "
            "(the form of Cho et al. 2014 and d2l)",
            lambda case: _step(case.args, reset="before")),
    Variant("b_hn sits inside the reset gate: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); "
            "you added b_hn outside it (did you sum b_ih + b_hh up front?)",
            lambda case: _step(case.args, reset="bias-outside")),
    Variant("the reset gate r is missing from the candidate: "
            "n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))",
            lambda case: _step(case.args, reset="none")),
    Variant("z and 1 − z are swapped: h' = (1 − z) ⊙ n + z ⊙ h (z is how much of the OLD "
            "state is kept)", lambda case: _step(case.args, swap_z=True)),
    Variant("the gate order is r, z, n (PyTorch's layout); you read the rows as z, r, n",
            lambda case: _step(case.args, order="zrn")),
    Variant("the hidden bias b_hh is missing: b_hr and b_hz join the gates, b_hn goes "
            "inside r ⊙ (W_hn h + b_hn)", lambda case: _step(case.args, b_hh=False)),
    Variant("the candidate n uses tanh, not sigmoid (only r and z are sigmoid gates)",
            lambda case: _step(case.args, n_act=torch.sigmoid)),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.is_floating_point() and not torch.isfinite(out).all():
        return ("NaN or inf in the output: a hand-written sigmoid or tanh overflowed in exp() "
                "at large pre-activations; use torch.sigmoid and torch.tanh")
    return None
