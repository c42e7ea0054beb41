# expect: divided by H*W only
"""Divides the Gram matrix by the number of positions H*W but forgets the channels."""
import torch


def gram_style_loss(generated, style):
    def gram(f):
        x = f.flatten(2)
        return x @ x.transpose(1, 2) / x.shape[2]
    return ((gram(generated) - gram(style)) ** 2).mean()
