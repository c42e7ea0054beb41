import torch
from torch import Tensor


def pad_collate(batch: list[tuple[Tensor, int]], padding_value: float = 0.0
                ) -> tuple[Tensor, Tensor, Tensor]:
    """Collate (sequence [L_i, *F], label) samples into (padded [B, T_max, *F],
    lengths int64 [B], labels int64 [B]), right-padded with `padding_value`."""
    seqs = [seq for seq, _ in batch]
    first = seqs[0]
    t_max = max(seq.shape[0] for seq in seqs)
    padded = torch.full((len(seqs), t_max, *first.shape[1:]), padding_value,
                        dtype=first.dtype, device=first.device)
    for b, seq in enumerate(seqs):
        padded[b, : seq.shape[0]] = seq
    lengths = torch.tensor([seq.shape[0] for seq in seqs], dtype=torch.long, device=first.device)
    labels = torch.tensor([label for _, label in batch], dtype=torch.long, device=first.device)
    return padded, lengths, labels
