import torch
from torch import Tensor


def top_k_top_p_filter(logits: Tensor, top_k: int = 0, top_p: float = 1.0) -> Tensor:
    """Top-k then top-p (nucleus) filtering; removed logits become -inf."""
    out = logits.clone()  # never touch the caller's tensor
    if top_k > 0:
        k = min(top_k, out.size(-1))
        kth = torch.topk(out, k, dim=-1).values[..., -1:]  # k-th largest per row
        out = out.masked_fill(out < kth, float("-inf"))  # ties with it survive
    if top_p < 1.0:
        sorted_logits, order = out.sort(dim=-1, descending=True)
        probs = torch.softmax(sorted_logits, dim=-1)  # renormalised over what top-k left
        mass_before = probs.cumsum(dim=-1) - probs  # probability of the better tokens
        # A token goes once the better tokens already reach top_p; the token that
        # crosses top_p has mass_before < top_p and stays. The best token always stays.
        remove_sorted = mass_before >= top_p
        remove_sorted[..., 0] = False
        remove = remove_sorted.scatter(-1, order, remove_sorted)  # back to vocab order
        out = out.masked_fill(remove, float("-inf"))
    return out
