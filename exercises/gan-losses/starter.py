import torch
from torch import Tensor


def gan_losses(d_real_logits: Tensor, d_fake_logits: Tensor,
               non_saturating: bool = True) -> tuple[Tensor, Tensor]:
    """(d_loss, g_loss) of the original GAN from discriminator logits.

    d_loss = -E[log D(x)] - E[log(1 - D(G(z)))]; g_loss = -E[log D(G(z))] when
    non_saturating, else E[log(1 - D(G(z)))]. Means over all elements; 0-dim tensors.
    """
    raise NotImplementedError
