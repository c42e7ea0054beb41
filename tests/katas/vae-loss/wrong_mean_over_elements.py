# expect: you averaged the reconstruction over every element
"""Uses the default reduction='mean' habit: the BCE is averaged over B·D elements."""
import torch.nn.functional as F


def vae_loss(recon_logits, x, mu, logvar, beta=1.0):
    recon = (F.softplus(recon_logits) - x * recon_logits).mean()
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1).mean()
    return recon + beta * kl, recon, kl
