# expect: Double DQN roles swapped
"""Double DQN with the networks' roles swapped: target selects, online evaluates."""
import torch


def dqn_td_target(rewards, next_q, dones, gamma, next_q_online=None):
    with torch.no_grad():
        if next_q_online is None:
            boot = next_q.max(dim=1).values
        else:
            boot = next_q_online.gather(1, next_q.argmax(1, keepdim=True)).squeeze(1)
        return rewards + gamma * (~dones).float() * boot
