# expect: you returned the minimax E[log(1 − D(G(z)))]
"""Always uses the minimax generator loss, ignoring non_saturating."""
import torch.nn.functional as F


def gan_losses(d_real_logits, d_fake_logits, non_saturating=True):
    d_loss = F.softplus(-d_real_logits).mean() + F.softplus(d_fake_logits).mean()
    return d_loss, -F.softplus(d_fake_logits).mean()
