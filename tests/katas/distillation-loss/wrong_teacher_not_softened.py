# expect: teacher's logits are not divided by the temperature
"""Softens only the student: the teacher's probabilities use T = 1."""
import torch


def distillation_loss(student_logits, teacher_logits, target, temperature=2.0, alpha=0.5):
    t = temperature
    log_q = torch.log_softmax(student_logits / t, -1)
    log_p = torch.log_softmax(teacher_logits, -1)
    kl = (log_p.exp() * (log_p - log_q)).sum(-1).mean()
    ce = -torch.log_softmax(student_logits, -1).gather(1, target[:, None]).mean()
    return alpha * t * t * kl + (1 - alpha) * ce
