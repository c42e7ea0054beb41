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
    # forward
    pre = x @ w1 + b1                  # [N, H]
    h = pre.clamp_min(0)               # relu
    y_hat = h @ w2 + b2                # [N, K]
    diff = y_hat - y
    loss = (diff * diff).mean()

    # backward: the chain rule, one layer at a time, from the loss down
    d_y_hat = 2.0 * diff / diff.numel()    # d mean(d²)/d y_hat, over all N·K elements
    d_w2 = h.T @ d_y_hat                   # [H, K]
    d_b2 = d_y_hat.sum(dim=0)              # every row adds its share
    d_h = d_y_hat @ w2.T                   # [N, H]
    d_pre = d_h * (pre > 0).to(d_h.dtype)  # relu'(pre): 1 where pre > 0, else 0 (also at 0)
    d_w1 = x.T @ d_pre                     # [D, H]
    d_b1 = d_pre.sum(dim=0)
    return {"loss": loss, "w1": d_w1, "b1": d_b1, "w2": d_w2, "b2": d_b2}
