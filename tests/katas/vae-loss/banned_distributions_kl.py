# expect: banned operation
"""Lets torch.distributions compute the KL between two Normals."""
import torch.nn.functional as F
from torch import distributions as D


def vae_loss(recon_logits, x, mu, logvar, beta=1.0):
    B = x.shape[0]
    recon = (F.softplus(recon_logits) - x * recon_logits).sum() / B
    q = D.Normal(mu, (0.5 * logvar).exp())
    p = D.Normal(mu.new_zeros(()), mu.new_ones(()))
    kl = D.kl_divergence(q, p).sum() / B
    return recon + beta * kl, recon, kl
