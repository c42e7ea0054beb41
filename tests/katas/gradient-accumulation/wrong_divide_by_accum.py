# expect: the last micro-batch (or group) is smaller
"""The textbook loss / accum_steps, wrong when the last micro-batch or group is short."""
import torch


def train_accumulated(model, optimizer, inputs, targets, micro_batch_size, accum_steps):
    xs, ys = inputs.split(micro_batch_size), targets.split(micro_batch_size)
    losses = []
    for s in range(0, len(xs), accum_steps):
        optimizer.zero_grad()
        total = 0.0
        for x, y in zip(xs[s:s + accum_steps], ys[s:s + accum_steps]):
            loss = ((model(x) - y) ** 2).mean() / accum_steps
            loss.backward()
            total += loss.item()
        optimizer.step()
        losses.append(total)
    return torch.tensor(losses)
