# expect: the style map has its own H and W
"""Normalises both Gram matrices by the generated map's C*H*W, as if both maps had the same
size."""
import torch


def gram_style_loss(generated, style):
    n = generated.shape[1] * generated.shape[2] * generated.shape[3]
    def gram(f):
        x = f.flatten(2)
        return x @ x.transpose(1, 2) / n
    return ((gram(generated) - gram(style)) ** 2).mean()
