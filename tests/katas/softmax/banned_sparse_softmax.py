# expect: _sparse_softmax: softmax is what this kata asks
"""Goes through the sparse twin of softmax (torch.sparse.softmax on a sparse copy): another
kernel, the same operation."""
import torch


def softmax(x, dim=-1):
    return torch.sparse.softmax(x.to_sparse(), dim).to_dense()
