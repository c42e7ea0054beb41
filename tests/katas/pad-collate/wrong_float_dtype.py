# expect: output 1 has dtype torch.float32, expected torch.int64
"""Allocates the padded batch as float32 whatever the sequences are (token ids become floats)."""
import torch


def pad_collate(batch, padding_value=0.0):
    seqs = [s for s, _ in batch]
    T = max(len(s) for s in seqs)
    out = torch.full((len(seqs), T, *seqs[0].shape[1:]), padding_value, device=seqs[0].device)
    for b, s in enumerate(seqs):
        out[b, :len(s)] = s
    lengths = torch.tensor([len(s) for s in seqs], device=seqs[0].device)
    return out, lengths, torch.tensor([y for _, y in batch], device=seqs[0].device)
