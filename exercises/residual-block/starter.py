import torch
import torch.nn.functional as F
from torch import Tensor


def residual_block(x: Tensor, conv1_weight: Tensor, bn1: tuple, conv2_weight: Tensor,
                   bn2: tuple, stride: int = 1, shortcut_weight: Tensor | None = None,
                   shortcut_bn: tuple | None = None, eps: float = 1e-5) -> Tensor:
    """Forward pass of a ResNet basic block, batch norm in eval mode.

    x: [N, C_in, H, W]; conv1_weight: [C_out, C_in, 3, 3]; conv2_weight: [C_out, C_out, 3, 3];
    bn1, bn2, shortcut_bn: (weight, bias, running_mean, running_var), each [C_out];
    shortcut_weight: [C_out, C_in, 1, 1] or None (identity shortcut).
    Returns relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)): [N, C_out, H_out, W_out].
    """
    raise NotImplementedError
