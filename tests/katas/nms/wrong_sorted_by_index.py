# expect: not sorted by index
"""Keeps the right boxes but returns them through a boolean mask, i.e. in index order
instead of decreasing score order."""
import torch


def nms(boxes, scores, iou_threshold):
    x1, y1, x2, y2 = boxes.unbind(1)
    areas = (x2 - x1) * (y2 - y1)
    keep = torch.zeros(len(boxes), dtype=torch.bool, device=boxes.device)
    alive = torch.ones_like(keep)
    for i in scores.argsort(descending=True).tolist():
        if not alive[i]:
            continue
        keep[i] = True
        w = (torch.minimum(x2[i], x2) - torch.maximum(x1[i], x1)).clamp(min=0)
        h = (torch.minimum(y2[i], y2) - torch.maximum(y1[i], y1)).clamp(min=0)
        iou = w * h / (areas[i] + areas - w * h)
        alive &= iou <= iou_threshold
    return keep.nonzero().flatten()
