# expect: use the optimizer you were given; a new one each epoch loses its momentum
"""Builds a fresh SGD optimizer every epoch, which throws away its momentum buffers."""
import torch
import torch.nn.functional as F


def train_model(model, optimizer, train_x, train_y, val_x, val_y, batch_size, epochs):
    tr, va = [], []
    n = len(train_x)
    for _ in range(epochs):
        model.train()
        g = optimizer.param_groups[0]
        optimizer = torch.optim.SGD(model.parameters(), lr=g['lr'], momentum=g['momentum'])   # fresh optimizer each epoch: momentum reset
        total = 0.0
        for xb, yb in zip(train_x.split(batch_size), train_y.split(batch_size)):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        tr.append(total / n)
        model.eval()
        with torch.no_grad():
            va.append(F.cross_entropy(model(val_x), val_y).item())
    return tr, va
