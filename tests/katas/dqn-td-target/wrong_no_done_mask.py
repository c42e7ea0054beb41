# expect: terminal next states must not bootstrap
"""Bootstraps from the next state even when the episode has ended."""
import torch


def dqn_td_target(rewards, next_q, dones, gamma, next_q_online=None):
    with torch.no_grad():
        if next_q_online is None:
            boot = next_q.max(dim=1).values
        else:
            boot = next_q.gather(1, next_q_online.argmax(1, keepdim=True)).squeeze(1)
        return rewards + gamma * boot
