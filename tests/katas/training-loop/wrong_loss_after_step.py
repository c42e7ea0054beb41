# expect: record the loss computed before optimizer.step()
"""Records a loss re-measured on each batch after optimizer.step(), not the one backpropagated."""
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
            with torch.no_grad():
                total += F.cross_entropy(model(xb), yb).item() * len(xb)   # loss re-measured after the step
        tr.append(total / n)
        model.eval()
        with torch.no_grad():
            va.append(F.cross_entropy(model(val_x), val_y).item())
    return tr, va
