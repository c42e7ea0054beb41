# expect: the last batch is smaller
"""Averages the batch losses directly: the short last batch counts as much as a full one."""
import torch
import torch.nn.functional as F


def train_model(model, optimizer, train_x, train_y, val_x, val_y, batch_size, epochs):
    train_losses, val_losses = [], []
    for _ in range(epochs):
        model.train()
        batch_losses = []
        for xb, yb in zip(train_x.split(batch_size), train_y.split(batch_size)):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        train_losses.append(sum(batch_losses) / len(batch_losses))
        model.eval()
        with torch.no_grad():
            val_losses.append(F.cross_entropy(model(val_x), val_y).item())
    return torch.tensor(train_losses), torch.tensor(val_losses)
