import torch.nn.functional as F
from torch import Tensor


def gan_losses(d_real_logits: Tensor, d_fake_logits: Tensor,
               non_saturating: bool = True) -> tuple[Tensor, Tensor]:
    """(d_loss, g_loss) of the original GAN from discriminator logits."""
    # -log sigmoid(l) = softplus(-l) and -log(1 - sigmoid(l)) = softplus(l), stable for any l.
    d_loss = F.softplus(-d_real_logits).mean() + F.softplus(d_fake_logits).mean()
    if non_saturating:
        g_loss = F.softplus(-d_fake_logits).mean()   # -E[log D(G(z))]
    else:
        g_loss = -F.softplus(d_fake_logits).mean()   # E[log(1 - D(G(z)))]
    return d_loss, g_loss
