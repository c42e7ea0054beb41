import torch
from torch import Tensor


def discounted_returns(rewards: Tensor, dones: Tensor, gamma: float) -> Tensor:
    """Reward-to-go G_t = r_t + gamma * (1 - done_t) * G_{t+1}, with G_T = 0.

    rewards: [B, T] float; dones: [B, T] bool (True = the episode ended at step t).
    Returns [B, T] with the dtype and device of `rewards`.
    """
    raise NotImplementedError
