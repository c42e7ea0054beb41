import torch
from torch import Tensor


def box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """Pairwise IoU of boxes1 [N, 4] and boxes2 [M, 4] in (x1, y1, x2, y2) format.

    Returns a [N, M] tensor with the dtype and device of boxes1.
    """
    raise NotImplementedError
