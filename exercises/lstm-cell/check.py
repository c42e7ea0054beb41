"""Checker for `lstm-cell`: one step of nn.LSTMCell, gate order i, f, g, o."""


import torch

from study.kata.presets import RNN
from study.kata.toolkit import Case, Tol, Variant, also_in, rand, randn

BAN = RNN.because(
    "the LSTM cell is what this kata asks you to write; build it from matmul, "
    "sigmoid and tanh"
)


# --- inputs -------------------------------------------------------------------------------

def _args(B: int, I: int, H: int,  # noqa: E741 - the contract's names
          seed: int, w_scale: float = 0.5, x_scale: float = 1.0,
          c_scale: float = 1.0, zero_state: bool = False) -> dict:
    s = 100 * seed
    h = rand(B, H, seed=s + 1, low=-1.0, high=1.0)  # a hidden state lives in (-1, 1)
    c = randn(B, H, seed=s + 2, scale=c_scale)
    if zero_state:
        h, c = torch.zeros(B, H), torch.zeros(B, H)
    return {
        "x": randn(B, I, seed=s, scale=x_scale), "h": h, "c": c,
        "w_ih": randn(4 * H, I, seed=s + 3, scale=w_scale),
        "w_hh": randn(4 * H, H, seed=s + 4, scale=w_scale),
        "b_ih": randn(4 * H, seed=s + 5, scale=0.5),
        "b_hh": randn(4 * H, seed=s + 6, scale=0.5),
    }


def _tol(a: dict) -> Tol:
    # The gate pre-activations are dot products of length I + H: float32 rounds them to
    # about 1e-7 of the sum of |terms|; sigmoid/tanh do not amplify that (slope <= 1).
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
        ("zero initial state (h = c = 0)", dict(B=3, I=33, H=17, seed=5, zero_state=True)),
        ("input wider than the state (I = 64, H = 3)", dict(B=2, I=64, H=3, seed=6)),
        ("state wider than the input (I = 2, H = 24)", dict(B=7, I=2, H=24, seed=7)),
        ("a large cell state (|c| up to ~15)", dict(B=6, I=9, H=11, seed=8, c_scale=5.0)),
        ("saturated gates (pre-activations in the hundreds)",
         dict(B=4, I=12, H=6, seed=9, w_scale=15.0, x_scale=2.0)),
    ]
    for name, spec in specs:
        a = _args(**spec)
        yield Case(name, a, tol=_tol(a))


# --- reference and known mistakes (float64) --------------------------------------------------

def _gates(a: dict, order: str = "ifgo", b_hh: bool = True, b_ih: bool = True) -> dict:
    pre = a["x"] @ a["w_ih"].T + a["h"] @ a["w_hh"].T
    if b_ih:
        pre = pre + a["b_ih"]
    if b_hh:
        pre = pre + a["b_hh"]
    return dict(zip(order, pre.chunk(4, dim=1), strict=True))


def _step(a: dict, order: str = "ifgo", b_hh: bool = True, b_ih: bool = True,
          g_act=torch.tanh, cell_tanh_old: bool = False, out_from: str = "new",
          out_tanh: bool = True, swap: bool = False):
    p = _gates(a, order, b_hh, b_ih)
    i, f, o = torch.sigmoid(p["i"]), torch.sigmoid(p["f"]), torch.sigmoid(p["o"])
    g = g_act(p["g"])
    c_old = torch.tanh(a["c"]) if cell_tanh_old else a["c"]
    c_next = f * c_old + i * g
    c_out = c_next if out_from == "new" else a["c"]
    h_next = o * (torch.tanh(c_out) if out_tanh else c_out)
    return (c_next, h_next) if swap else (h_next, c_next)


def reference(case):
    return _step(case.args)


_BOTH = ("out.0", "out.1")
VARIANTS = [
    Variant("the gate order is i, f, g, o (PyTorch's layout); you read the rows as "
            "i, f, o, g (char-rnn's ifog)", lambda case: _step(case.args, order="ifog"),
            keys=_BOTH),
    Variant("the gate order is i, f, g, o (PyTorch's layout); you read the rows as "
            "f, i, g, o", lambda case: _step(case.args, order="figo"), keys=_BOTH),
    Variant("the gate order is i, f, g, o (PyTorch's layout); you read the rows as "
            "i, g, f, o (TensorFlow's i, j, f, o split)",
            lambda case: _step(case.args, order="igfo"), keys=_BOTH),
    Variant("you returned (c_next, h_next): return (h_next, c_next), in that order",
            lambda case: _step(case.args, swap=True), keys=_BOTH),
    Variant("the hidden bias b_hh is missing: both b_ih and b_hh are added to the gates",
            lambda case: _step(case.args, b_hh=False), keys=_BOTH),
    Variant("the input bias b_ih is missing: both b_ih and b_hh are added to the gates",
            lambda case: _step(case.args, b_ih=False), keys=_BOTH),
    Variant("the candidate g uses tanh, not sigmoid (only i, f and o are sigmoid gates)",
            lambda case: _step(case.args, g_act=torch.sigmoid), keys=_BOTH),
    Variant("the cell update is c' = f ⊙ c + i ⊙ g: the old cell state is not squashed "
            "with tanh", lambda case: _step(case.args, cell_tanh_old=True), keys=_BOTH),
    Variant("h' = o ⊙ tanh(c'): you forgot the tanh on the new cell state",
            lambda case: _step(case.args, out_tanh=False), keys=("out.0",)),
    Variant("h' = o ⊙ tanh(c') uses the NEW cell state c', not the old c",
            lambda case: _step(case.args, out_from="old"), keys=("out.0",)),
]


def diagnose(case, got, want):
    bad = [v for v in (got.get("out.0"), got.get("out.1"))
           if isinstance(v, torch.Tensor) and v.is_floating_point()
           and not torch.isfinite(v).all()]
    if bad:
        return ("NaN or inf in the output: a hand-written sigmoid or tanh overflowed in exp() "
                "at large pre-activations (e.g. (e^{2x} - 1)/(e^{2x} + 1) is inf/inf for "
                "x > 44); use torch.sigmoid and torch.tanh")
    return None
