# expect: logvar is log σ², not log σ
"""Treats logvar as log σ: uses 2·logvar and exp(2·logvar) in the KL."""
import torch.nn.functional as F


def vae_loss(recon_logits, x, mu, logvar, beta=1.0):
    B = x.shape[0]
    recon = (F.softplus(recon_logits) - x * recon_logits).sum() / B
    kl = -0.5 * (1 + 2 * logvar - mu.pow(2) - (2 * logvar).exp()).sum() / B
    return recon + beta * kl, recon, kl
