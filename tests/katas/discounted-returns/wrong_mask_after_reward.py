# expect: you zeroed the last reward of each episode
"""Resets the whole return at an episode end, dropping the final reward too."""
import torch


def discounted_returns(rewards, dones, gamma):
    out = torch.empty_like(rewards)
    g = torch.zeros_like(rewards[:, 0])
    for t in reversed(range(rewards.shape[1])):
        g = (rewards[:, t] + gamma * g) * (~dones[:, t])
        out[:, t] = g
    return out
