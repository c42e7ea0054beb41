# expect: you halved it
"""Averages the real and fake terms (the ½ some implementations use)."""
import torch.nn.functional as F


def gan_losses(d_real_logits, d_fake_logits, non_saturating=True):
    d_loss = 0.5 * (F.softplus(-d_real_logits).mean() + F.softplus(d_fake_logits).mean())
    if non_saturating:
        return d_loss, F.softplus(-d_fake_logits).mean()
    return d_loss, -F.softplus(d_fake_logits).mean()
