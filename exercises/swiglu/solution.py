import torch.nn.functional as F
from torch import Tensor


def swiglu_ffn(x: Tensor, w_gate: Tensor, w_up: Tensor, w_down: Tensor) -> Tensor:
    """SwiGLU feed-forward block: (SiLU(x @ w_gate) * (x @ w_up)) @ w_down."""
    gate = F.silu(x @ w_gate)  # SiLU(z) = z * sigmoid(z), on the gate only
    up = x @ w_up
    return (gate * up) @ w_down
