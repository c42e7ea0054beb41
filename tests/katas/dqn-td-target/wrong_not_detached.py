# expect: the target still requires grad
"""Right numbers, but the target stays in the graph of the target network."""
import torch


def dqn_td_target(rewards, next_q, dones, gamma, next_q_online=None):
    if next_q_online is None:
        boot = next_q.max(dim=1).values
    else:
        boot = next_q.gather(1, next_q_online.argmax(1, keepdim=True)).squeeze(1)
    return rewards + gamma * (~dones).float() * boot
