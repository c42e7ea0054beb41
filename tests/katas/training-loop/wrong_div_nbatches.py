# expect: divide by N; the last batch is short
"""Divides the summed epoch loss by n_batches * batch_size, as if the last batch were full."""
import torch
import torch.nn.functional as F


def train_model(model, optimizer, train_x, train_y, val_x, val_y, batch_size, epochs):
    tr, va = [], []
    n = len(train_x)
    for _ in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in zip(train_x.split(batch_size), train_y.split(batch_size)):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        nb = (n + batch_size - 1) // batch_size
        tr.append(total / (nb * batch_size))   # assumes every batch is full
        model.eval()
        with torch.no_grad():
            va.append(F.cross_entropy(model(val_x), val_y).item())
    return tr, va
