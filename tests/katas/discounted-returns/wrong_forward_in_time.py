# expect: you accumulated forwards in time
"""Runs the recursion from the first step onwards, like a discounted cumulative sum."""
import torch


def discounted_returns(rewards, dones, gamma):
    out = torch.empty_like(rewards)
    g = torch.zeros_like(rewards[:, 0])
    for t in range(rewards.shape[1]):
        g = rewards[:, t] + gamma * g
        out[:, t] = g
        g = g * (~dones[:, t])
    return out
