# expect: you ignored `dones`
"""Sums discounted rewards to the end of the rollout, straight across episode ends."""
import torch


def discounted_returns(rewards, dones, gamma):
    out = torch.empty_like(rewards)
    g = torch.zeros_like(rewards[:, 0])
    for t in reversed(range(rewards.shape[1])):
        g = rewards[:, t] + gamma * g
        out[:, t] = g
    return out
