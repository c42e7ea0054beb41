# expect: the episode-end mask is applied one step late
"""Checks whether the *next* step is terminal instead of the current one."""
import torch


def discounted_returns(rewards, dones, gamma):
    T = rewards.shape[1]
    out = torch.empty_like(rewards)
    g = torch.zeros_like(rewards[:, 0])
    for t in reversed(range(T)):
        nxt = (~dones[:, t + 1]).to(rewards.dtype) if t + 1 < T else 1.0
        g = rewards[:, t] + gamma * nxt * g
        out[:, t] = g
    return out
