# expect: the Gram matrix is not normalised
"""Uses the raw X X^T as the Gram matrix, without dividing by C*H*W."""
import torch


def gram_style_loss(generated, style):
    def gram(f):
        x = f.flatten(2)
        return x @ x.transpose(1, 2)
    return ((gram(generated) - gram(style)) ** 2).mean()
