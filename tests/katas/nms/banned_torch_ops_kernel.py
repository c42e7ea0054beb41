# expect: banned operation torchvision::nms
"""Calls torchvision's compiled NMS kernel through torch.ops instead of torchvision.ops.nms.
Where torchvision is not installed, this file registers a stand-in op under the same
name (as torchvision's C++ extension does), so the kernel route is what gets tested."""
import torch

try:
    import torchvision  # noqa: F401  (registers torch.ops.torchvision.nms)
except ImportError:
    def _greedy(dets, scores, iou_threshold):
        x1, y1, x2, y2 = dets.unbind(1)
        areas = (x2 - x1) * (y2 - y1)
        order = scores.argsort(descending=True)
        keep = []
        while order.numel():
            i, rest = order[0], order[1:]
            keep.append(i)
            w = (torch.minimum(x2[i], x2[rest]) - torch.maximum(x1[i], x1[rest])).clamp(min=0)
            h = (torch.minimum(y2[i], y2[rest]) - torch.maximum(y1[i], y1[rest])).clamp(min=0)
            order = rest[w * h / (areas[i] + areas[rest] - w * h) <= iou_threshold]
        return torch.stack(keep)

    _lib = torch.library.Library("torchvision", "DEF")
    _lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    _lib.impl("nms", _greedy, "CompositeExplicitAutograd")

_kernel = getattr(getattr(torch.ops, "torch" + "vision"), "nms")


def nms(boxes, scores, iou_threshold):
    return _kernel(boxes, scores, iou_threshold)
