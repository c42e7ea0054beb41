# expect: the batch must be batch first
"""Returns the padded batch time first, [T_max, B, *F] (pad_sequence's default layout)."""
import torch


def pad_collate(batch, padding_value=0.0):
    seqs = [s for s, _ in batch]
    T = max(len(s) for s in seqs)
    out = torch.full((T, len(seqs), *seqs[0].shape[1:]), padding_value, dtype=seqs[0].dtype,
                     device=seqs[0].device)
    for b, s in enumerate(seqs):
        out[:len(s), b] = s
    lengths = torch.tensor([len(s) for s in seqs], device=seqs[0].device)
    return out, lengths, torch.tensor([y for _, y in batch], device=seqs[0].device)
