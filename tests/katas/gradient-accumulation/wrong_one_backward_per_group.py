# expect: the model was called on a batch of
"""Concatenates each group's micro-batches and runs one forward/backward over the whole
group: the same update, but none of the memory saving accumulation exists for."""
import torch


def train_accumulated(model, optimizer, inputs, targets, micro_batch_size, accum_steps):
    group = micro_batch_size * accum_steps
    losses = []
    for start in range(0, inputs.shape[0], group):
        x, y = inputs[start:start + group], targets[start:start + group]
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return torch.stack(losses)
