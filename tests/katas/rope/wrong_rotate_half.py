# expect: you rotated halves (x[j], x[j + Dh/2])
"""The GPT-NeoX / Hugging Face Llama layout: pairs a dimension with the one Dh/2 away."""
import torch


def apply_rope(x, positions=None, base=10000.0):
    T, Dh = x.shape[-2:]
    if positions is None:
        positions = torch.arange(T, device=x.device)
    inv_freq = 1.0 / base ** (torch.arange(0, Dh, 2, device=x.device).float() / Dh)
    freqs = positions.float()[:, None] * inv_freq[None, :]
    emb = torch.cat([freqs, freqs], dim=-1)
    x1, x2 = x[..., : Dh // 2], x[..., Dh // 2:]
    rotated = torch.cat([-x2, x1], dim=-1)
    return x * emb.cos() + rotated * emb.sin()
