import torch
from torch import Tensor


def vae_loss(recon_logits: Tensor, x: Tensor, mu: Tensor, logvar: Tensor,
             beta: float = 1.0) -> tuple[Tensor, Tensor, Tensor]:
    """(loss, recon, kl): Bernoulli reconstruction from logits and KL(q || N(0, I)).

    recon and kl are summed over each sample's elements and averaged over the batch;
    loss = recon + beta * kl. Three 0-dim tensors.
    """
    raise NotImplementedError
