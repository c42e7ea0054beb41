import torch
from torch import Tensor


def mlp_backward(x: Tensor, y: Tensor, w1: Tensor, b1: Tensor, w2: Tensor,
                 b2: Tensor) -> dict[str, Tensor]:
    """Forward and backward pass of a one-hidden-layer ReLU MLP, by hand.

    Forward: h = relu(x @ w1 + b1), y_hat = h @ w2 + b2,
    loss = mean((y_hat - y)²) over all N·K elements.
    Returns {"loss": 0-dim tensor, "w1": dL/dw1, "b1": dL/db1, "w2": dL/dw2,
    "b2": dL/db2}, each gradient shaped like its parameter. ReLU's derivative
    at 0 is 0. No autograd.
    """
    raise NotImplementedError
