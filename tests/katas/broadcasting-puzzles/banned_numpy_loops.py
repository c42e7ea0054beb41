# expect: banned operation
"""Loops over plain Python lists / NumPy arrays: the work leaves torch, hiding the loop."""
import numpy as np
import torch


def broadcasting_puzzles(x, y, labels, num_classes: int):
    xn, yn, ln = x.detach().cpu().numpy(), y.detach().cpu().numpy(), labels.cpu().numpy()
    N, D = xn.shape
    sq = np.zeros((N, yn.shape[0]), dtype=xn.dtype)
    for i in range(N):
        for j in range(yn.shape[0]):
            sq[i, j] = ((xn[i] - yn[j]) ** 2).sum()
    nrm = xn / np.maximum(np.linalg.norm(xn, axis=1, keepdims=True), 1e-12)
    oh = np.zeros((N, num_classes), dtype=np.int64)
    means = np.zeros((num_classes, D), dtype=xn.dtype)
    for c in range(num_classes):
        oh[ln == c, c] = 1
        if (ln == c).any():
            means[c] = xn[ln == c].mean(0)
    t = lambda a: torch.from_numpy(a).to(x.device)
    return t(sq), t(nrm), t(oh), t(means)
