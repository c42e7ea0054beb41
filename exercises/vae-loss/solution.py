import torch.nn.functional as F
from torch import Tensor


def vae_loss(recon_logits: Tensor, x: Tensor, mu: Tensor, logvar: Tensor,
             beta: float = 1.0) -> tuple[Tensor, Tensor, Tensor]:
    """(loss, recon, kl): Bernoulli reconstruction from logits and KL(q || N(0, I))."""
    batch = x.shape[0]
    # BCE from logits: -x log σ(l) - (1 - x) log(1 - σ(l)) = softplus(l) - x·l,
    # stable for large |l|.
    recon = (F.softplus(recon_logits) - x * recon_logits).sum() / batch
    # Closed-form KL between N(mu, exp(logvar)) and N(0, 1), summed over the latent dims.
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum() / batch
    return recon + beta * kl, recon, kl
