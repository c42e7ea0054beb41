# expect: you used max of next_q_online
"""Double DQN that takes the online network's own max value, so nothing is decoupled."""
import torch


def dqn_td_target(rewards, next_q, dones, gamma, next_q_online=None):
    with torch.no_grad():
        q = next_q if next_q_online is None else next_q_online
        return rewards + gamma * (~dones).float() * q.max(dim=1).values
