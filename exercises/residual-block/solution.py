import torch.nn.functional as F
from torch import Tensor


def _bn_eval(x: Tensor, bn: tuple[Tensor, Tensor, Tensor, Tensor], eps: float) -> Tensor:
    """Batch norm in eval mode: normalise each channel with the running statistics."""
    weight, bias, running_mean, running_var = bn
    return F.batch_norm(x, running_mean, running_var, weight, bias, training=False, eps=eps)


def residual_block(x: Tensor, conv1_weight: Tensor, bn1: tuple, conv2_weight: Tensor,
                   bn2: tuple, stride: int = 1, shortcut_weight: Tensor | None = None,
                   shortcut_bn: tuple | None = None, eps: float = 1e-5) -> Tensor:
    """Forward pass of a ResNet basic block (He et al. 2016), batch norm in eval mode.

    out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), where conv1 is 3x3 with
    `stride` and padding 1, conv2 is 3x3 with stride 1 and padding 1, and the shortcut is
    x itself, or bn(conv1x1(x, stride)) when `shortcut_weight` is given.
    """
    out = F.conv2d(x, conv1_weight, stride=stride, padding=1)  # the only strided 3x3 conv
    out = F.relu(_bn_eval(out, bn1, eps))
    out = F.conv2d(out, conv2_weight, stride=1, padding=1)
    out = _bn_eval(out, bn2, eps)  # no ReLU yet: it comes after the addition
    if shortcut_weight is None:
        shortcut = x  # identity: same shape by contract
    else:
        shortcut = _bn_eval(F.conv2d(x, shortcut_weight, stride=stride), shortcut_bn, eps)
    return F.relu(out + shortcut)
