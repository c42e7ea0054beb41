"""Checker for `rope`.

Tolerance: float32 rounds the angle m·θ at position m by about 2.5e-7·m, which moves
a rotated pair by that much times its length r. The judge's atol covers the largest
position of a case; `check` then holds every element at position m to
(2e-6 + 2.5e-7·m)·max(r, 1).
"""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, randint, randn


def _positions(case):
    T = case.args["x"].shape[-2]
    pos = case.args["positions"]
    return torch.arange(T, dtype=torch.float64) if pos is None else pos.double()


def _pair_norm(x):
    """|(x[2i], x[2i+1])| for both elements of each pair, shaped like x."""
    x = x.double()
    r = (x[..., 0::2] ** 2 + x[..., 1::2] ** 2).sqrt()
    return r.repeat_interleave(2, dim=-1)


def _case(name, B, H, T, Dh, *, seed, positions=None, base=10000.0, scale=1.0):
    x = randn(B, H, T, Dh, seed=seed, scale=scale)
    top = float(positions.max()) if positions is not None else T - 1
    r = max(1.0, _pair_norm(x).max().item())
    return Case(name, {"x": x, "positions": positions, "base": base},
                tol=Tol(atol=(2e-6 + 2.5e-7 * top) * r, rtol=0.0))


@also_in(torch.float64)
def cases():
    yield _case("one token, Dh = 2", 1, 1, 1, 2, seed=1)
    yield _case("Dh = 2 (one pair), default positions", 2, 1, 9, 2, seed=2)
    yield _case("B = 2, H = 3, T = 5, Dh = 8", 2, 3, 5, 8, seed=3, scale=2.0)
    yield _case("Dh = 6 (an odd number of pairs), base = 100", 1, 2, 12, 6, seed=4, base=100.0)
    pos = torch.tensor([7, 3, 3, 100, 0, 4095, 12, 1, 250])
    yield _case("given positions: unsorted, repeated, gaps", 2, 2, 9, 16, seed=5, positions=pos)
    yield _case("large positions (up to 50000)", 1, 2, 7, 32, seed=6,
                positions=randint(20000, 50001, (7,), seed=7))
    yield _case("one token at position 37", 1, 3, 1, 4, seed=8, positions=torch.tensor([37]))
    yield _case("Llama 3 base = 500000, T = 64", 1, 2, 64, 32, seed=9, base=500000.0)
    yield _case("given positions with Dh = 2 and base = 10", 2, 1, 6, 2, seed=10, base=10.0,
                positions=torch.tensor([5, 0, 2, 9, 1, 30]))
    yield _case("a long sequence, T = 1024, Dh = 64", 1, 1, 1024, 64, seed=11)


def _rope(case, layout="interleaved", sign=1.0, exponent=2.0, positions="given", base=None,
          shift=0.0):
    x = case.args["x"]
    Dh = x.shape[-1]
    m = torch.arange(x.shape[-2], dtype=torch.float64) if positions == "index" else (
        _positions(case))
    m = m + shift
    b = case.args["base"] if base is None else base
    i = torch.arange(Dh // 2, dtype=torch.float64)
    theta = b ** (-exponent * i / Dh)
    angle = sign * m[:, None] * theta[None, :]
    cos, sin = torch.cos(angle), torch.sin(angle)
    if layout == "half":  # GPT-NeoX: pairs (j, j + Dh/2)
        x1, x2 = x[..., : Dh // 2], x[..., Dh // 2:]
        return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
    xe, xo = x[..., 0::2], x[..., 1::2]
    return torch.stack([xe * cos - xo * sin, xe * sin + xo * cos], dim=-1).flatten(-2)


def reference(case):
    return _rope(case)


def _only_if(applies, compute):
    def run(case):
        if not applies(case):
            raise ValueError("same as the reference here")
        return compute(case)
    return run


def _given(case):
    pos = case.args["positions"]
    return pos is not None and not torch.equal(pos, torch.arange(len(pos)))


VARIANTS = [
    Variant("you rotated halves (x[j], x[j + Dh/2]), the GPT-NeoX / Llama-HF layout; this kata "
            "rotates interleaved pairs (x[2i], x[2i+1]) as in RoFormer",
            lambda c: _rope(c, layout="half")),
    Variant("the rotation goes the wrong way: out[2i] = x[2i]·cos − x[2i+1]·sin and "
            "out[2i+1] = x[2i]·sin + x[2i+1]·cos (angle +m·θ_i)", lambda c: _rope(c, sign=-1.0)),
    Variant("θ_i = base^(-2i/Dh) with i the pair index; you used base^(-i/Dh), so the "
            "frequencies fall too slowly", lambda c: _rope(c, exponent=1.0)),
    Variant("you ignored `positions`: when it is given, token t is rotated by "
            "positions[t]·θ_i, not t·θ_i", _only_if(_given, lambda c: _rope(c, positions="index"))),
    Variant("you ignored `base`: θ_i = base^(-2i/Dh) with the base passed in, not always 10000",
            _only_if(lambda c: c.args["base"] != 10000.0, lambda c: _rope(c, base=10000.0))),
    Variant("positions start at 0 when `positions` is None: token t sits at position t, "
            "not t + 1", lambda c: _rope(c, shift=1.0)),
]


def check(case, got, want):
    x = case.args["x"]
    m = _positions(case)[:, None]  # [T, 1]
    allowed = (2e-6 + 2.5e-7 * m) * _pair_norm(x).clamp(min=1.0)
    err = (got["out"].double() - want["out"]).abs()
    ratio = err / allowed
    if (ratio > 1).any():
        flat = int(ratio.reshape(-1).argmax())
        t = (flat // x.shape[-1]) % x.shape[-2]
        return [f"token {t} (position {int(m[t])}) is off by {err.reshape(-1)[flat].item():.3g}, "
                f"more than float32 allows there ({allowed.reshape(-1)[flat].item():.3g}); "
                f"compute the angle m·θ_i in float32 or better and rotate each pair once"]
    return []


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.shape == want["out"].shape and out.is_floating_point():
        x = case.args["x"].double()
        # A rotation keeps every pair's length: if the lengths are off, it is not a rotation.
        if not torch.allclose(_pair_norm(out.double()), _pair_norm(x), rtol=1e-3, atol=1e-4):
            return ("each pair's length |(x[2i], x[2i+1])| must be unchanged: a rotation "
                    "mixes x[2i] and x[2i+1] with cos and sin of the same angle")
    return None
