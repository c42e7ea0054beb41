"""Checker for `dqn-td-target`: DQN / Double DQN targets in float64.

`drive` passes next_q and next_q_online with requires_grad=True and reports whether
the target came back attached to the graph (it must not).
"""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, generator, randn


def _tol(a):
    m = max(1.0, float(a["rewards"].abs().max()), float(a["next_q"].abs().max()))
    return Tol(atol=2e-6 * m, rtol=1e-6)


@also_in(torch.float64)
def cases():
    specs = [  # (B, A, gamma, done prob, double, seed)
        (1, 1, 0.99, 0.0, False, 1), (1, 4, 0.99, 0.0, True, 2), (8, 5, 0.99, 0.25, False, 3),
        (8, 5, 0.99, 0.25, True, 4), (33, 3, 0.9, 0.3, True, 5), (17, 7, 0.95, 0.2, False, 6),
        (64, 18, 0.999, 0.1, True, 7), (5, 1, 0.9, 0.4, True, 8),
    ]
    for b, n, gamma, p, double, seed in specs:
        gen = generator(seed)
        a = {"rewards": randn(b, seed=seed),
             "next_q": randn(b, n, seed=seed + 100, scale=3.0, mean=1.0),
             "dones": torch.rand(b, generator=gen) < p, "gamma": gamma,
             "next_q_online": randn(b, n, seed=seed + 200, scale=3.0) if double else None}
        if b >= 8:
            a["dones"][0], a["dones"][1] = True, False  # at least one of each
        kind = "Double DQN" if double else "DQN"
        yield Case(f"{kind}, B={b}, A={n}, gamma={gamma}", a, tol=_tol(a))
    a = {"rewards": randn(6, seed=9), "next_q": randn(6, 4, seed=10, scale=5.0),
         "dones": torch.ones(6, dtype=torch.bool), "gamma": 0.99, "next_q_online": None}
    yield Case("every next state terminal (targets are the rewards)", a, tol=_tol(a))
    a = {"rewards": randn(10, seed=11), "next_q": randn(10, 6, seed=12, mean=-20.0),
         "dones": torch.zeros(10, dtype=torch.bool), "gamma": 0.9, "next_q_online": None}
    yield Case("all next values negative (max, not max of |Q|, no zero floor)", a, tol=_tol(a))
    a = {"rewards": randn(12, seed=13), "next_q": randn(12, 6, seed=14, scale=2.0),
         "dones": torch.rand(12, generator=generator(15)) < 0.3, "gamma": 0.0,
         "next_q_online": randn(12, 6, seed=16)}
    yield Case("gamma = 0, Double DQN", a, tol=_tol(a))


def _target(a, bootstrap, mask=True):
    r = a["rewards"]
    nd = (~a["dones"]).to(r.dtype) if mask else torch.ones_like(r)
    return {"target": r + a["gamma"] * nd * bootstrap, "requires_grad": torch.tensor(0.0,
            dtype=torch.float64)}


def _bootstrap(a):
    if a["next_q_online"] is None:
        return a["next_q"].max(dim=1).values
    best = a["next_q_online"].argmax(dim=1, keepdim=True)
    return a["next_q"].gather(1, best).squeeze(1)


def reference(case):
    return _target(case.args, _bootstrap(case.args))


def _no_done(case):
    a = case.args
    return _target(a, _bootstrap(a), mask=False) if a["dones"].any() else None


def _double_ignored(case):
    a = case.args
    if a["next_q_online"] is None:
        return None
    return _target(a, a["next_q"].max(dim=1).values)


def _online_evaluates(case):
    a = case.args
    if a["next_q_online"] is None:
        return None
    return _target(a, a["next_q_online"].max(dim=1).values)


def _roles_swapped(case):
    a = case.args
    if a["next_q_online"] is None:
        return None
    best = a["next_q"].argmax(dim=1, keepdim=True)
    return _target(a, a["next_q_online"].gather(1, best).squeeze(1))


def _mean_q(case):
    a = case.args
    return _target(a, a["next_q"].mean(dim=1))


def _attached(case):
    out = reference(case)
    out["requires_grad"] = torch.tensor(1.0, dtype=torch.float64)
    return out


_K = ("out.target",)
VARIANTS = [
    Variant("terminal next states must not bootstrap: multiply the bootstrap term by "
            "(1 - dones)", _no_done, keys=_K),
    Variant("Double DQN: when next_q_online is given, the online network picks the action "
            "(argmax of next_q_online) and next_q evaluates it; you took max of next_q",
            _double_ignored, keys=_K),
    Variant("Double DQN: the action is picked by next_q_online but its value comes from "
            "next_q (the target network); you used max of next_q_online", _online_evaluates,
            keys=_K),
    Variant("Double DQN roles swapped: argmax over next_q_online (online network selects), "
            "then gather from next_q (target network evaluates)", _roles_swapped, keys=_K),
    Variant("you averaged the next Q-values: DQN bootstraps from the max over actions "
            "(the greedy policy), not the mean", _mean_q, keys=_K),
    Variant("the target still requires grad: compute it under torch.no_grad() (or .detach() "
            "it) so the TD loss does not backpropagate through the target network",
            _attached, keys=("out.target", "out.requires_grad")),
]


def diagnose(case, got, want):
    flag = got.get("out.requires_grad")
    if isinstance(flag, torch.Tensor) and float(flag) == 1.0:
        return ("the target still requires grad: compute it under torch.no_grad() (or "
                ".detach() it) so the TD loss does not backpropagate through the target "
                "network")
    return None
