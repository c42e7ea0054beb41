# expect: reduction='mean'
"""Averages the KL over all N*C entries, as F.kl_div's default reduction does."""
import torch


def distillation_loss(student_logits, teacher_logits, target, temperature=2.0, alpha=0.5):
    t = temperature
    log_q = torch.log_softmax(student_logits / t, -1)
    log_p = torch.log_softmax(teacher_logits / t, -1)
    kl = (log_p.exp() * (log_p - log_q)).mean()
    ce = -torch.log_softmax(student_logits, -1).gather(1, target[:, None]).mean()
    return alpha * t * t * kl + (1 - alpha) * ce
