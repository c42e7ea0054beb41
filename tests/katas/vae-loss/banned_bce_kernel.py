# expect: banned operation
"""Reaches the BCE-with-logits kernel through torch.ops.aten, fetched by getattr."""
import torch


def vae_loss(recon_logits, x, mu, logvar, beta=1.0):
    B = x.shape[0]
    op = getattr(torch.ops.aten, "binary_cross_entropy_with_logits")
    recon = op(recon_logits, x, None, None, 2) / B  # reduction 2 = sum
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum() / B
    return recon + beta * kl, recon, kl
