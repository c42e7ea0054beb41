import torch
import torch.nn.functional as F
from torch import Tensor, nn


def train_model(model: nn.Module, optimizer: torch.optim.Optimizer, train_x: Tensor,
                train_y: Tensor, val_x: Tensor, val_y: Tensor, batch_size: int,
                epochs: int) -> tuple[Tensor, Tensor]:
    """Train `model` for `epochs` passes over (train_x, train_y) in order, in mini-batches of
    `batch_size` rows, with cross-entropy and `optimizer`; after each epoch evaluate the
    cross-entropy on the whole validation set. Returns (train_losses [epochs],
    val_losses [epochs]): each epoch's sample-weighted mean training loss, and the
    validation loss after that epoch."""
    raise NotImplementedError
