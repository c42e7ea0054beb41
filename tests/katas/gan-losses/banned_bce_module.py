# expect: banned operation
"""Uses nn.BCEWithLogitsLoss, fetched by a built-up name."""
import torch


def gan_losses(d_real_logits, d_fake_logits, non_saturating=True):
    crit = getattr(torch.nn, "BCEWith" + "LogitsLoss")()
    ones, zeros = torch.ones_like(d_fake_logits), torch.zeros_like(d_fake_logits)
    d_loss = crit(d_real_logits, torch.ones_like(d_real_logits)) + crit(d_fake_logits, zeros)
    g_loss = crit(d_fake_logits, ones) if non_saturating else -crit(d_fake_logits, zeros)
    return d_loss, g_loss
