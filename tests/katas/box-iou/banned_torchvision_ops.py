# expect: banned operation code from torchvision.ops
"""Calls torchvision.ops.box_iou through an importlib alias instead of writing the IoU.
Where torchvision is not installed, this file puts a stand-in `torchvision.ops` package
(a copy of torchvision's box_iou) on the path, so the module route is what gets tested."""
import importlib
import os
import sys
import tempfile

try:
    _ops = importlib.import_module("torchvision.ops")
except ImportError:
    _root = tempfile.mkdtemp(prefix="fake_tv_")
    os.makedirs(os.path.join(_root, "torchvision", "ops"))
    open(os.path.join(_root, "torchvision", "__init__.py"), "w").close()
    with open(os.path.join(_root, "torchvision", "ops", "__init__.py"), "w") as f:
        f.write("from .boxes import box_iou\n")
    with open(os.path.join(_root, "torchvision", "ops", "boxes.py"), "w") as f:
        f.write(
            "import torch\n"
            "def box_area(b):\n"
            "    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])\n"
            "def box_iou(boxes1, boxes2):\n"
            "    area1, area2 = box_area(boxes1), box_area(boxes2)\n"
            "    lt = torch.max(boxes1[:, None, :2], boxes2[:, :2])\n"
            "    rb = torch.min(boxes1[:, None, 2:], boxes2[:, 2:])\n"
            "    wh = (rb - lt).clamp(min=0)\n"
            "    inter = wh[:, :, 0] * wh[:, :, 1]\n"
            "    return inter / (area1[:, None] + area2 - inter)\n")
    sys.path.insert(0, _root)
    _ops = importlib.import_module("torchvision.ops")

_iou = getattr(_ops, "box_" + "iou")


def box_iou(boxes1, boxes2):
    return _iou(boxes1, boxes2)
