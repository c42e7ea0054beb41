# expect: you swapped the labels
"""Labels real samples 0 and fake samples 1 in the discriminator loss."""
import torch.nn.functional as F


def gan_losses(d_real_logits, d_fake_logits, non_saturating=True):
    d_loss = F.softplus(d_real_logits).mean() + F.softplus(-d_fake_logits).mean()
    if non_saturating:
        return d_loss, F.softplus(-d_fake_logits).mean()
    return d_loss, -F.softplus(d_fake_logits).mean()
