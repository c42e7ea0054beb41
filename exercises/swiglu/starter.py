import torch
from torch import Tensor


def swiglu_ffn(x: Tensor, w_gate: Tensor, w_up: Tensor, w_down: Tensor) -> Tensor:
    """SwiGLU feed-forward block: (SiLU(x @ w_gate) * (x @ w_up)) @ w_down.

    x: [..., D]; w_gate, w_up: [D, H]; w_down: [H, D] (weights stored [in, out]).
    Returns [..., D] with the dtype and device of x.
    """
    raise NotImplementedError
