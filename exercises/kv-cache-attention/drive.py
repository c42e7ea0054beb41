"""How `kv-cache-attention` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""

import torch


def drive(fn, args, case):
    x = args["x"]
    w = (args["w_q"], args["w_k"], args["w_v"], args["w_o"], args["num_heads"])
    k_cache, v_cache = args["k_cache"], args["v_cache"]
    outs, start = [], 0
    for n in case.extra["chunks"]:
        t_past = k_cache.shape[2]
        try:
            result = fn(x[:, start:start + n], *w, k_cache, v_cache)
        except RuntimeError as exc:
            if "Sizes of tensors must match" in str(exc) and exc.args:
                exc.args = (f"{exc.args[0]}\n(hint: the caches are [B, H, T, dh]; append the "
                            f"new keys and values along the time dim, dim=2)",)
            raise
        if not isinstance(result, tuple | list) or len(result) != 3:
            raise TypeError("kv_cache_attention must return a tuple (out, new_k_cache, "
                            "new_v_cache)")
        out, new_k, new_v = result
        B, H, _, dh = args["k_cache"].shape
        for name, c in (("new_k_cache", new_k), ("new_v_cache", new_v)):
            want = [B, H, t_past + n, dh]
            if not isinstance(c, torch.Tensor) or list(c.shape) != want:
                got = list(c.shape) if isinstance(c, torch.Tensor) else type(c).__name__
                raise ValueError(
                    f"after a call with T_past = {t_past} cached and {n} new token(s), "
                    f"{name} must be {want} (the cache grows by exactly the new tokens, "
                    f"appended along dim 2); got {got}"
                    + (": you returned the cache without appending the new keys/values"
                       if got == list(args["k_cache"].shape[:2]) + [t_past, dh] else ""))
        outs.append(out)
        k_cache, v_cache = new_k, new_v
        start += n
    return {"out.0": torch.cat(outs, dim=1), "out.1": k_cache, "out.2": v_cache}
