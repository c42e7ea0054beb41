import torch
from torch import Tensor


def dqn_td_target(rewards: Tensor, next_q: Tensor, dones: Tensor, gamma: float,
                  next_q_online: Tensor | None = None) -> Tensor:
    """TD targets r + gamma * (1 - done) * Q_target(s', a*), without gradient.

    a* = argmax of next_q (DQN), or of next_q_online when given (Double DQN).
    rewards: [B]; next_q, next_q_online: [B, A]; dones: [B] bool. Returns [B].
    """
    raise NotImplementedError
