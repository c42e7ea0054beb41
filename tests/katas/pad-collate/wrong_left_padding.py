# expect: you padded on the left
"""Pads before each sequence (left padding) instead of after it."""
import torch


def pad_collate(batch, padding_value=0.0):
    seqs = [s for s, _ in batch]
    T = max(len(s) for s in seqs)
    out = torch.full((len(seqs), T, *seqs[0].shape[1:]), padding_value, dtype=seqs[0].dtype,
                     device=seqs[0].device)
    for b, s in enumerate(seqs):
        out[b, T - len(s):] = s
    lengths = torch.tensor([len(s) for s in seqs], device=seqs[0].device)
    return out, lengths, torch.tensor([y for _, y in batch], device=seqs[0].device)
