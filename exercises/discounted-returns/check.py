"""Checker for `discounted-returns`: the backward recursion, in float64."""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, generator, randn


def _dones(b, t, p, seed):
    return torch.rand(b, t, generator=generator(seed)) < p


def _tol(rewards, gamma):
    # float32: each step adds about an ulp of the running return (at most T·max|r|).
    t = rewards.shape[1]
    horizon = t if gamma >= 1 else min(t, 1.0 / max(1e-9, 1 - gamma))
    m = max(1.0, float(rewards.abs().max())) * horizon
    return Tol(atol=2e-7 * m * (1 + t ** 0.5), rtol=1e-5)


@also_in(torch.float64)
def cases():
    specs = [  # (B, T, gamma, done prob, seed)
        (1, 1, 0.99, 0.0, 1), (1, 7, 0.9, 0.0, 2), (4, 10, 0.99, 0.2, 3),
        (3, 33, 0.95, 0.1, 4), (5, 17, 0.5, 0.3, 5), (2, 64, 0.999, 0.05, 6),
    ]
    for b, t, gamma, p, seed in specs:
        r = randn(b, t, seed=seed, scale=2.0)
        d = _dones(b, t, p, seed + 100)
        yield Case(f"random rollouts [{b}, {t}], gamma={gamma}",
                   {"rewards": r, "dones": d, "gamma": gamma}, tol=_tol(r, gamma))
    r = randn(3, 9, seed=7)
    d = torch.zeros(3, 9, dtype=torch.bool)
    d[0, 3] = d[1, 0] = d[2, 8] = True
    d[0, 4] = True  # two ends in a row: a one-step episode
    yield Case("episode ends at the first, middle and last step",
               {"rewards": r, "dones": d, "gamma": 0.9}, tol=_tol(r, 0.9))
    r = randn(2, 6, seed=8)
    yield Case("every step ends an episode", {"rewards": r, "dones": torch.ones(2, 6,
               dtype=torch.bool), "gamma": 0.97}, tol=_tol(r, 0.97))
    r = randn(3, 12, seed=9)
    d = _dones(3, 12, 0.25, 109)
    yield Case("gamma = 1 (undiscounted sums)", {"rewards": r, "dones": d, "gamma": 1.0},
               tol=_tol(r, 1.0))
    r = randn(4, 8, seed=10)
    d = _dones(4, 8, 0.25, 110)
    yield Case("gamma = 0 (returns are the rewards)", {"rewards": r, "dones": d,
               "gamma": 0.0}, tol=_tol(r, 0.0))
    r = randn(2, 200, seed=11, scale=3.0)
    d = _dones(2, 200, 0.02, 111)
    yield Case("long rollout [2, 200], gamma=0.99", {"rewards": r, "dones": d, "gamma": 0.99},
               tol=_tol(r, 0.99))


def _recursion(rewards, mask, gamma):
    out = torch.empty_like(rewards)
    g = torch.zeros_like(rewards[:, 0])
    for t in range(rewards.shape[1] - 1, -1, -1):
        g = rewards[:, t] + gamma * mask[:, t] * g
        out[:, t] = g
    return out


def reference(case):
    a = case.args
    return _recursion(a["rewards"], (~a["dones"]).to(a["rewards"].dtype), a["gamma"])


def _ignore_dones(case):
    a = case.args
    if not a["dones"].any() or a["gamma"] == 0:
        return None
    return _recursion(a["rewards"], torch.ones_like(a["rewards"]), a["gamma"])


def _mask_next(case):
    # the mask of step t+1 applied at t: (1 - done_{t+1}) instead of (1 - done_t)
    a = case.args
    d = (~a["dones"]).to(a["rewards"].dtype)
    shifted = torch.ones_like(d)
    shifted[:, :-1] = d[:, 1:]
    if torch.equal(shifted, d) or a["gamma"] == 0:
        return None
    return _recursion(a["rewards"], shifted, a["gamma"])


def _mask_reward(case):
    # G_t = (1 - d_t)·(r_t + γ G_{t+1}): the final reward of an episode dropped
    a = case.args
    if not a["dones"].any():
        return None
    d = (~a["dones"]).to(a["rewards"].dtype)
    out = torch.empty_like(a["rewards"])
    g = torch.zeros_like(a["rewards"][:, 0])
    for t in range(a["rewards"].shape[1] - 1, -1, -1):
        g = d[:, t] * (a["rewards"][:, t] + a["gamma"] * g)
        out[:, t] = g
    return out


def _forward(case):
    # accumulated forwards in time: G_t = r_t + γ G_{t-1}
    a = case.args
    if a["gamma"] == 0 or a["rewards"].shape[1] == 1:
        return None
    d = (~a["dones"]).to(a["rewards"].dtype)
    out = torch.empty_like(a["rewards"])
    g = torch.zeros_like(a["rewards"][:, 0])
    for t in range(a["rewards"].shape[1]):
        g = a["rewards"][:, t] + a["gamma"] * g
        out[:, t] = g
        g = g * d[:, t]
    return out


def _absolute_discount(case):
    # γ^t with t counted from the start of the rollout, not from the current step
    a = case.args
    r = a["rewards"]
    if a["gamma"] in (0.0, 1.0) or r.shape[1] == 1:
        return None
    w = a["gamma"] ** torch.arange(r.shape[1], dtype=r.dtype)
    return _recursion(r * w, (~a["dones"]).to(r.dtype), 1.0)


VARIANTS = [
    Variant("you ignored `dones`: a return must stop at the end of its episode "
            "(multiply the carried return by 1 - dones[:, t])", _ignore_dones),
    Variant("the episode-end mask is applied one step late: at step t use 1 - dones[:, t] "
            "(the episode ended after r_t), not dones[:, t + 1]", _mask_next),
    Variant("you zeroed the last reward of each episode: done at t cuts off G_{t+1}, but "
            "r_t itself still counts (G_t = r_t + gamma·(1 - done_t)·G_{t+1})", _mask_reward),
    Variant("you accumulated forwards in time: the return at t sums the rewards from t "
            "onwards, so iterate t from T - 1 down to 0", _forward),
    Variant("the discount must be relative to the current step: G_t = Σ_k gamma^k·r_{t+k}, "
            "not gamma^(t+k) counted from the start of the rollout", _absolute_discount),
]
