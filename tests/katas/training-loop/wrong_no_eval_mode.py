# expect: the validation pass ran in training mode
"""Validates under no_grad but forgets model.eval(): batch norm uses (and updates) the
validation batch's statistics."""
import torch
import torch.nn.functional as F


def train_model(model, optimizer, train_x, train_y, val_x, val_y, batch_size, epochs):
    train_losses, val_losses = [], []
    model.train()
    for _ in range(epochs):
        total = 0.0
        for xb, yb in zip(train_x.split(batch_size), train_y.split(batch_size)):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        train_losses.append(total / len(train_x))
        with torch.no_grad():
            val_losses.append(F.cross_entropy(model(val_x), val_y).item())
    return torch.tensor(train_losses), torch.tensor(val_losses)
