import torch
from torch import Tensor


def dqn_td_target(rewards: Tensor, next_q: Tensor, dones: Tensor, gamma: float,
                  next_q_online: Tensor | None = None) -> Tensor:
    """TD targets r + gamma * (1 - done) * Q_target(s', a*), without gradient."""
    with torch.no_grad():  # the target is a constant for the TD loss
        if next_q_online is None:
            bootstrap = next_q.max(dim=1).values
        else:
            # Double DQN: the online network selects, the target network evaluates.
            best = next_q_online.argmax(dim=1, keepdim=True)
            bootstrap = next_q.gather(1, best).squeeze(1)
        not_done = (~dones).to(rewards.dtype)
        return rewards + gamma * not_done * bootstrap.to(rewards.dtype)
