# expect: banned operation
"""Builds the KL by hand but takes the cross-entropy from the private nll_loss kernel."""
import torch


def distillation_loss(student_logits, teacher_logits, target, temperature=2.0, alpha=0.5):
    t = temperature
    log_q = torch.log_softmax(student_logits / t, -1)
    log_p = torch.log_softmax(teacher_logits / t, -1)
    kl = (log_p.exp() * (log_p - log_q)).sum(-1).mean()
    ce = torch.ops.aten.nll_loss_nd(torch.log_softmax(student_logits, -1), target, None, 1, -100)
    return alpha * t * t * kl + (1 - alpha) * ce
