"""Checker for `sinusoidal-positional-encoding`.

The function takes no tensor, only a `device`, so the cases carry an empty float32
"device probe" tensor under `device`: the sandbox moves it to the check device, and
`drive` passes its `.device` to the solution (or leaves the argument out, to test
`device=None` = the CPU). Where the result was created is reported as `where` and
checked in `check`, with a message about `device` rather than the judge's generic
"create new tensors on the input's device".

Tolerance: float32 at position p loses about 2.5e-7·p (the angle p·ω is rounded to
float32 before sin/cos), so the judge's atol covers the largest position and
`check` then holds every row p to 1e-6 + 2.5e-7·p.
"""

import torch

from study.kata.toolkit import Case, Tol, Variant


class _Case(Case):
    def shapes(self) -> str:
        a = self.args
        device = ", device=None" if self.extra.get("default_device") else ""
        return f"num_positions={a['num_positions']}, d_model={a['d_model']}{device}"


def _case(name, num_positions, d_model, *, default_device=False):
    probe = torch.empty(0, dtype=torch.float32)
    return _Case(name, {"num_positions": num_positions, "d_model": d_model, "device": probe},
                 tol=Tol(atol=1e-6 + 2.5e-7 * (num_positions - 1), rtol=0.0),
                 extra={"default_device": default_device})


def cases():
    yield _case("one position, d_model = 2", 1, 2)
    yield _case("d_model = 2 (a single frequency)", 16, 2)
    yield _case("d_model = 6 (an odd number of pairs)", 7, 6)
    yield _case("50 positions, d_model = 10", 50, 10)
    yield _case("100 positions, d_model = 64", 100, 64)
    yield _case("device=None builds it on the CPU", 10, 8, default_device=True)
    yield _case("a wide model, d_model = 1002", 5, 1002)
    yield _case("2048 positions, d_model = 130", 2048, 130)
    yield _case("2048 positions, d_model = 512", 2048, 512)


def _angles(case, exponent="2i"):
    P, d = case.args["num_positions"], case.args["d_model"]
    p = torch.arange(P, dtype=torch.float64)[:, None]
    two_i = torch.arange(0, d, 2, dtype=torch.float64)[None, :]
    if exponent == "i":
        two_i = two_i / 2
    return p, two_i, d


def _interleave(even, odd):
    return torch.stack([even, odd], dim=-1).flatten(-2)


def reference(case):
    p, two_i, d = _angles(case)
    angle = p / 10000 ** (two_i / d)
    return _interleave(torch.sin(angle), torch.cos(angle))


def _halves(case):
    p, two_i, d = _angles(case)
    angle = p / 10000 ** (two_i / d)
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=-1)


def _pair_index(case):
    p, i, d = _angles(case, exponent="i")
    angle = p / 10000 ** (i / d)
    return _interleave(torch.sin(angle), torch.cos(angle))


def _column_index(case):
    p, two_i, d = _angles(case)
    even = torch.sin(p / 10000 ** (two_i / d))
    odd = torch.cos(p / 10000 ** ((two_i + 1) / d))
    return _interleave(even, odd)


def _swapped(case):
    p, two_i, d = _angles(case)
    angle = p / 10000 ** (two_i / d)
    return _interleave(torch.cos(angle), torch.sin(angle))


def _from_one(case):
    p, two_i, d = _angles(case)
    angle = (p + 1) / 10000 ** (two_i / d)
    return _interleave(torch.sin(angle), torch.cos(angle))


VARIANTS = [
    Variant("sin and cos must be interleaved (sin in even columns 2i, cos in odd columns "
            "2i+1); you concatenated [all sines | all cosines]", _halves),
    Variant("the exponent is 2i/d_model with i the pair index (i.e. the even column index "
            "over d_model); you used i/d_model, so the frequencies fall too slowly", _pair_index),
    Variant("both columns of a pair share one frequency: the cos in column 2i+1 uses "
            "10000^(2i/d_model), not 10000^((2i+1)/d_model)", _column_index),
    Variant("sin goes in the even columns and cos in the odd ones; you swapped them", _swapped),
    Variant("positions start at 0: row p encodes position p, not p + 1", _from_one),
]


def check(case, got, want):
    out = got["out"].double()
    err = (out - want["out"]).abs().amax(dim=-1)  # worst error per position
    p = torch.arange(len(err), dtype=torch.float64)
    allowed = 1e-6 + 2.5e-7 * p
    over = err > allowed
    if over.any():
        row = int((err / allowed).argmax())
        return [f"row {row} is off by {err[row].item():.3g}, more than float32 allows at that "
                f"position ({allowed[row].item():.3g} = 1e-6 + 2.5e-7·p); compute the angle "
                f"as p / 10000^(2i/d_model) in float32 (or float64) and take sin/cos of it"]
    where, asked = str(got.get("where")), str(got.get("asked"))
    if case.extra["default_device"]:
        if where != "cpu":
            return [f"device=None means the CPU, but the result is on {where}"]
    elif where.split(":")[0] != asked.split(":")[0]:
        return [f"the result is on {where}, but device={asked} was asked for: create the "
                f"tensors with device=device"]
    return []


def _multiplied(case, out):
    """Angles p·10000^(2i/d) reach 1e7, far beyond what float32 sin/cos resolve, so this
    mistake is matched with a tolerance that grows with its own angles, not as a Variant."""
    p, two_i, d = _angles(case)
    angle = p * 10000 ** (two_i / d)
    wrong = _interleave(torch.sin(angle), torch.cos(angle))
    angle = _interleave(angle, angle)
    usable = angle < 1e4
    ok = ((out.double() - wrong).abs() <= 1e-6 + 3e-7 * angle) | ~usable
    return bool(ok.all()) and bool((usable & (angle > 2 * p)).any())


def diagnose(case, got, want):
    out = got.get("out")
    if not isinstance(out, torch.Tensor) or not out.is_floating_point():
        return None
    if out.shape == want["out"].shape[::-1] and out.shape != want["out"].shape:
        return "the result is [num_positions, d_model]: one row per position"
    if out.shape == want["out"].shape and _multiplied(case, out):
        return "divide the position by 10000^(2i/d_model); you multiplied by it"
    return None

