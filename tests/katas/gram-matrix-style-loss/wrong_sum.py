# expect: you summed the squared differences
"""Sums the squared Gram differences instead of averaging them."""
import torch


def gram_style_loss(generated, style):
    def gram(f):
        x = f.flatten(2)
        return x @ x.transpose(1, 2) / f[0].numel()
    return ((gram(generated) - gram(style)) ** 2).sum()
