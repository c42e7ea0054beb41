# expect: banned operation
"""Loops over plain Python lists / NumPy arrays: the work leaves torch, hiding the loop."""
import torch


def broadcasting_puzzles(x, y, labels, num_classes: int):
    # Python loops over plain lists: no broadcasting at all
    X, Y, L = x.tolist(), y.tolist(), labels.tolist()
    sq = [[sum((a - b) ** 2 for a, b in zip(xi, yj)) for yj in Y] for xi in X]
    nrm = []
    for xi in X:
        n = max(sum(a * a for a in xi) ** 0.5, 1e-12)
        nrm.append([a / n for a in xi])
    oh = [[1 if l == c else 0 for c in range(num_classes)] for l in L]
    D = x.shape[1]
    sums = [[0.0] * D for _ in range(num_classes)]
    cnt = [0] * num_classes
    for xi, l in zip(X, L):
        cnt[l] += 1
        for d in range(D):
            sums[l][d] += xi[d]
    means = [[s / max(c, 1) for s in row] for row, c in zip(sums, cnt)]
    f = dict(dtype=x.dtype, device=x.device)
    return (torch.tensor(sq, **f).reshape(x.shape[0], y.shape[0]), torch.tensor(nrm, **f).reshape(x.shape),
            torch.tensor(oh, dtype=torch.int64, device=x.device).reshape(x.shape[0], num_classes),
            torch.tensor(means, **f).reshape(num_classes, D))
