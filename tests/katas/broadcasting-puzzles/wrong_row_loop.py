# expect: tensor operations (at most 100 allowed)
"""Right values, but built with Python loops over the rows and the classes."""
import torch


def broadcasting_puzzles(x, y, labels, num_classes):
    sq = torch.stack([((row - y) ** 2).sum(-1) for row in x])
    normalized = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
    one_hot = torch.zeros(x.shape[0], num_classes, dtype=torch.long, device=x.device)
    one_hot[torch.arange(x.shape[0], device=x.device), labels] = 1
    means = torch.zeros(num_classes, x.shape[1], dtype=x.dtype, device=x.device)
    for c in range(num_classes):
        rows = x[labels == c]
        if len(rows):
            means[c] = rows.mean(0)
    return sq, normalized, one_hot, means
