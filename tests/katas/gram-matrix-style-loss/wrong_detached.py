# expect: the gradient w.r.t. generated is missing
"""Computes the loss through numpy, so no gradient flows back to the generated image."""
import numpy as np
import torch


def gram_style_loss(generated, style):
    def gram(f):
        x = f.detach().cpu().numpy().reshape(f.shape[0], f.shape[1], -1)
        return x @ x.transpose(0, 2, 1) / (x.shape[1] * x.shape[2])
    d = gram(generated) - gram(style)
    return torch.tensor(float((d ** 2).mean()), device=generated.device)
