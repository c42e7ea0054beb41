# expect: do not truncate the long ones
"""Stacks after cutting every sequence to the shortest length."""
import torch


def pad_collate(batch, padding_value=0.0):
    seqs = [s for s, _ in batch]
    T = min(len(s) for s in seqs)
    out = torch.stack([s[:T] for s in seqs])
    lengths = torch.tensor([len(s) for s in seqs], device=seqs[0].device)
    return out, lengths, torch.tensor([y for _, y in batch], device=seqs[0].device)
