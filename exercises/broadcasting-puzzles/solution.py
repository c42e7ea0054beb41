import torch
from torch import Tensor


def broadcasting_puzzles(x: Tensor, y: Tensor, labels: Tensor,
                         num_classes: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Four classic broadcasting results, with no Python loop over rows or classes."""
    # 1. ||x_i - y_j||^2 = ||x_i||^2 + ||y_j||^2 - 2 x_i.y_j: a [N, 1] column plus a [1, M] row.
    xx = (x * x).sum(dim=1, keepdim=True)          # [N, 1]
    yy = (y * y).sum(dim=1, keepdim=True).T        # [1, M]
    sq_dists = (xx + yy - 2.0 * (x @ y.T)).clamp_min(0.0)  # rounding can dip below 0
    # 2. each row divided by its L2 norm (kept [N, 1] so it broadcasts over D).
    norms = torch.linalg.vector_norm(x, dim=1, keepdim=True)
    normalized = x / norms.clamp_min(1e-12)
    # 3. one-hot: compare a [N, 1] column of labels with a [1, C] row of class ids.
    classes = torch.arange(num_classes, device=labels.device)
    one_hot = (labels[:, None] == classes[None, :]).long()  # [N, C] int64
    # 4. per-class means: the one-hot matrix sums the rows of each class in one matmul.
    mask = one_hot.to(x.dtype)                       # [N, C]
    counts = mask.sum(dim=0)[:, None]                # [C, 1]
    class_means = (mask.T @ x) / counts.clamp_min(1.0)  # absent classes: 0 / 1 = 0
    return sq_dists, normalized, one_hot, class_means
