# expect: you lost the factor 1/2
"""Forgets the 1/2 in front of the Gaussian KL."""
import torch.nn.functional as F


def vae_loss(recon_logits, x, mu, logvar, beta=1.0):
    B = x.shape[0]
    recon = (F.softplus(recon_logits) - x * recon_logits).sum() / B
    kl = -(1 + logvar - mu.pow(2) - logvar.exp()).sum() / B
    return recon + beta * kl, recon, kl
