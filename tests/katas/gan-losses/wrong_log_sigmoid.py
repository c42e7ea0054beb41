# expect: use softplus
"""Takes log of sigmoid probabilities: log(0) for a confident discriminator."""
import torch


def gan_losses(d_real_logits, d_fake_logits, non_saturating=True):
    pr, pf = torch.sigmoid(d_real_logits), torch.sigmoid(d_fake_logits)
    d_loss = -torch.log(pr).mean() - torch.log(1 - pf).mean()
    if non_saturating:
        return d_loss, -torch.log(pf).mean()
    return d_loss, torch.log(1 - pf).mean()
