import torch
from torch import Tensor


def nms(boxes: Tensor, scores: Tensor, iou_threshold: float) -> Tensor:
    """Greedy non-maximum suppression.

    boxes: [N, 4] as (x1, y1, x2, y2) with x2 > x1 and y2 > y1; scores: [N], all distinct.
    Repeatedly keep the highest-scoring remaining box and drop every remaining box whose
    IoU with it is > iou_threshold. Returns the kept indices as an int64 tensor, in
    decreasing score order, on the device of `boxes`.
    """
    raise NotImplementedError
