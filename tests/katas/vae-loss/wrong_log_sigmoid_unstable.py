# expect: use softplus
"""Takes the log of the sigmoid probabilities: for large logits sigmoid is exactly 0 or 1."""
import torch


def vae_loss(recon_logits, x, mu, logvar, beta=1.0):
    B = x.shape[0]
    p = torch.sigmoid(recon_logits)
    recon = -(x * torch.log(p) + (1 - x) * torch.log(1 - p)).sum() / B
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum() / B
    return recon + beta * kl, recon, kl
