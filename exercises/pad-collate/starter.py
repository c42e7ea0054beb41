import torch
from torch import Tensor


def pad_collate(batch: list[tuple[Tensor, int]], padding_value: float = 0.0
                ) -> tuple[Tensor, Tensor, Tensor]:
    """Collate (sequence [L_i, *F], label) samples into (padded [B, T_max, *F],
    lengths int64 [B], labels int64 [B]), right-padded with `padding_value`."""
    raise NotImplementedError
