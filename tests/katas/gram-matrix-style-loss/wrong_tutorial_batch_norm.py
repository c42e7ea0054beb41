# expect: divided by B*C*H*W
"""Copies the PyTorch tutorial's gram_matrix, which divides by a*b*c*d (batch included)."""
import torch


def gram_style_loss(generated, style):
    def gram(f):
        a, b, c, d = f.size()
        x = f.view(a, b, c * d)
        return torch.bmm(x, x.transpose(1, 2)).div(a * b * c * d)
    return torch.nn.functional.mse_loss(gram(generated), gram(style))
