# expect: use log_softmax
"""Takes log(softmax(...)), which underflows to log(0) = -inf for large logits."""
import torch


def distillation_loss(student_logits, teacher_logits, target, temperature=2.0, alpha=0.5):
    t = temperature
    q = torch.softmax(student_logits / t, -1)
    p = torch.softmax(teacher_logits / t, -1)
    kl = (p * (p.log() - q.log())).sum(-1).mean()
    ce = -torch.softmax(student_logits, -1).log().gather(1, target[:, None]).mean()
    return alpha * t * t * kl + (1 - alpha) * ce
