import torch
from torch import Tensor


def discounted_returns(rewards: Tensor, dones: Tensor, gamma: float) -> Tensor:
    """Reward-to-go G_t = r_t + gamma * (1 - done_t) * G_{t+1}, with G_T = 0."""
    returns = torch.empty_like(rewards)
    not_done = (~dones).to(rewards.dtype)
    g = torch.zeros_like(rewards[:, 0])
    # Backwards in time: an episode end at t cuts the sum off after r_t.
    for t in range(rewards.shape[1] - 1, -1, -1):
        g = rewards[:, t] + gamma * not_done[:, t] * g
        returns[:, t] = g
    return returns
