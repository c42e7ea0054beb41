import torch
import torch.nn.functional as F
from torch import Tensor, nn


def train_model(model: nn.Module, optimizer: torch.optim.Optimizer, train_x: Tensor,
                train_y: Tensor, val_x: Tensor, val_y: Tensor, batch_size: int,
                epochs: int) -> tuple[Tensor, Tensor]:
    """Train for `epochs` passes in order, validating after each; returns both loss curves."""
    train_losses, val_losses = [], []
    n = train_x.shape[0]
    for _ in range(epochs):
        model.train()  # batch norm uses (and updates) batch statistics
        total = 0.0
        for xb, yb in zip(train_x.split(batch_size), train_y.split(batch_size), strict=False):
            optimizer.zero_grad()              # gradients would otherwise add up
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.detach() * xb.shape[0]  # weight by batch size: the last may be short
        train_losses.append(total / n)

        model.eval()  # batch norm uses its running statistics and leaves them alone
        with torch.no_grad():  # no graph: validation never trains
            val_losses.append(F.cross_entropy(model(val_x), val_y))
    return torch.stack(train_losses), torch.stack(val_losses)
