"""How `clip-grad-norm` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""




def drive(fn, args, case):
    grads = args["grads"]
    total = fn(grads, args["max_norm"], args["norm_type"])
    out = {"out.norm": total}
    for i, g in enumerate(grads):
        out[f"out.grads.{i}"] = g
    return out
