# expect: you dropped the factor 2
"""Differentiates (ŷ - y)² as (ŷ - y): forgets the 2 from the square."""
import torch


def mlp_backward(x, y, w1, b1, w2, b2):
    pre = x @ w1 + b1
    h = torch.relu(pre)
    y_hat = h @ w2 + b2
    diff = y_hat - y
    loss = (diff ** 2).mean()
    d_y_hat = diff / diff.numel()
    d_pre = (d_y_hat @ w2.T) * (pre > 0).float()
    return {"loss": loss, "w1": x.T @ d_pre, "b1": d_pre.sum(0),
            "w2": h.T @ d_y_hat, "b2": d_y_hat.sum(0)}
