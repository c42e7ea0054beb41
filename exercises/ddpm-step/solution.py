import torch
from torch import Tensor


def ddpm_step(x_t: Tensor, eps_pred: Tensor, t: int, betas: Tensor,
              noise: Tensor | None = None) -> Tensor:
    """One ancestral DDPM reverse step x_t -> x_{t-1} with an ε-prediction (0-based t)."""
    alphas = 1.0 - betas
    alphas_cumprod = torch.cumprod(alphas, dim=0)
    beta_t, alpha_t, abar_t = betas[t], alphas[t], alphas_cumprod[t]
    # Posterior mean of x_{t-1}: remove the predicted noise, then undo this step's scaling.
    mean = (x_t - beta_t / torch.sqrt(1.0 - abar_t) * eps_pred) / torch.sqrt(alpha_t)
    if t == 0:
        return mean  # the last step is deterministic: σ_0 = 0
    abar_prev = alphas_cumprod[t - 1]
    variance = beta_t * (1.0 - abar_prev) / (1.0 - abar_t)  # posterior ("fixed_small")
    if noise is None:
        noise = torch.randn_like(x_t)
    return mean + torch.sqrt(variance) * noise
