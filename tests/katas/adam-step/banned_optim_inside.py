# expect: banned operation code from torch.optim
"""Drives a real torch.optim.Adam from inside the function, seeding its state with the
caller's moment tensors so the update lands in place."""
import importlib

_optim = importlib.import_module("torch." + "optim")


def adam_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
              weight_decay=0.0, decoupled_weight_decay=False):
    cls = _optim.AdamW if decoupled_weight_decay else _optim.Adam
    opt = cls([param], lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=False)
    opt.state[param] = {"step": grad.new_tensor(float(step - 1)), "exp_avg": exp_avg,
                        "exp_avg_sq": exp_avg_sq}
    param.grad = grad.clone()
    opt.step()
    param.grad = None
