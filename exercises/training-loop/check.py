"""Checker for `training-loop`: the checker builds a small classifier
(Linear -> BatchNorm1d -> ReLU -> Linear) and an SGD optimizer with momentum from the case's
weights (a custom `drive`), calls the learner's loop once, and compares the returned loss
curves, the final weights and batch-norm running statistics with a float64 run of the
same loop. A forward hook also records whether the evaluation pass ran without gradients
(`check`), and the long case must reach a low validation loss."""

import torch
import torch.nn.functional as F

from study.kata.toolkit import Case, Tol, Variant, generator, sibling

_drive = sibling(__file__, "drive")  # the model and helpers the sandbox uses too
_OUT, _model, _state = _drive._OUT, _drive._model, _drive._state


def _run(case, *, no_zero=False, no_eval=False, no_train=False, step_first=False,
         mean_of_batches=False, eval_before=False, new_opt=False, loss_after_step=False,
         div_full_batches=False):
    a = case.args
    model = _model(a, torch.float64, torch.device("cpu"))

    def make_opt():
        return torch.optim.SGD(model.parameters(), lr=a["lr"], momentum=0.9)

    opt = make_opt()
    x, y, bs = a["train_x"], a["train_y"], a["batch_size"]
    train_losses, val_losses = [], []

    def validate():
        if not no_eval:
            model.eval()
        with torch.no_grad():
            return F.cross_entropy(model(a["val_x"]), a["val_y"])

    for epoch in range(a["epochs"]):
        if eval_before:
            val_losses.append(validate())
        if not no_train or epoch == 0:
            model.train()
        if new_opt:
            opt = make_opt()  # momentum buffers start from zero again
        total, per_batch = 0.0, []
        for xb, yb in zip(x.split(bs), y.split(bs), strict=False):
            if not no_zero:
                opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            if step_first:
                opt.step()
            loss.backward()
            if not step_first:
                opt.step()
            if loss_after_step:  # re-measured (still in training mode) after the update
                with torch.no_grad():
                    loss = F.cross_entropy(model(xb), yb)
            total += loss.item() * xb.shape[0]
            per_batch.append(loss.item())
        n_batches = -(-x.shape[0] // bs)
        train_losses.append(sum(per_batch) / len(per_batch) if mean_of_batches
                            else total / (n_batches * bs) if div_full_batches
                            else total / x.shape[0])
        if not eval_before:
            val_losses.append(validate())
    out = {"train_losses": torch.tensor(train_losses, dtype=torch.float64),
           "val_losses": torch.stack(val_losses).reshape(-1)}
    out.update(_state(model, prefix=""))  # flattened to out.<name> by the judge
    return out


def reference(case):
    return _run(case)


def _v(cond=lambda a: True, **kw):
    return lambda case: _run(case, **kw) if cond(case.args) else None


def _uneven(a):
    return a["train_x"].shape[0] % a["batch_size"] != 0


def _multi_epoch(a):
    return a["epochs"] > 1


_ALL = tuple(f"out.{k}" for k in ("train_losses", "val_losses") + _OUT)
_WEIGHTS = tuple(f"out.{k}" for k in _OUT)

VARIANTS = [
    Variant("you never cleared the gradients: call optimizer.zero_grad() before each "
            "backward, or every step also applies all the earlier batches' gradients",
            _v(no_zero=True), keys=_WEIGHTS),
    Variant("the weights never moved: optimizer.step() ran before loss.backward(), when the "
            "gradients were still empty; the order is zero_grad, forward, loss, backward, step",
            _v(step_first=True), keys=_WEIGHTS),
    Variant("the validation pass ran in training mode: call model.eval() before it, or batch "
            "norm normalises with the validation batch's own statistics and folds them into "
            "its running statistics", _v(no_eval=True), keys=_ALL),
    Variant("after the first epoch you trained in eval mode: call model.train() at the start "
            "of every epoch (model.eval() for validation stays on until you switch back), or "
            "batch norm stops using and updating batch statistics",
            _v(_multi_epoch, no_train=True), keys=_ALL),
    Variant("the epoch's training loss is the plain mean of the batch losses, but the last "
            "batch is smaller: weight each batch's loss by its number of samples and divide "
            "by N", _v(_uneven, mean_of_batches=True), keys=("out.train_losses",)),
    Variant("the epoch's training loss was divided by n_batches·batch_size: divide by N; "
            "the last batch is short, so that count includes samples that do not exist",
            _v(_uneven, div_full_batches=True), keys=("out.train_losses",)),
    Variant("a new optimizer was created during training: use the optimizer you were given; "
            "a new one each epoch loses its momentum (and any other state it has built up)",
            _v(_multi_epoch, new_opt=True), keys=_WEIGHTS),
    Variant("the recorded training loss was measured again after optimizer.step(), on the "
            "updated weights: record the loss computed before optimizer.step(), the one you "
            "called backward on", _v(loss_after_step=True), keys=("out.train_losses",)),
    Variant("the validation loss was computed before the epoch's training: evaluate after "
            "each epoch", _v(eval_before=True), keys=("out.val_losses",)),
]


def check(case, got, want):
    n = got.get("eval_with_grad")
    if isinstance(n, int) and n > 0:
        return ["the validation forward pass ran in eval mode but with gradients enabled: wrap "
                "it in `with torch.no_grad():` (or torch.inference_mode()), so no autograd "
                "graph is built for data you never train on"]
    target = case.extra.get("val_loss_below")
    v = got.get("out.val_losses")
    if target is not None and isinstance(v, torch.Tensor) and float(v[-1]) > target:
        return [f"the final validation loss is {float(v[-1]):.4f}, above {target}: the model "
                "did not learn the task"]
    return []


def _blobs(n, d, k, gen, centers):
    y = torch.randint(0, k, (n,), generator=gen)
    x = centers[y] + 0.7 * torch.randn(n, d, generator=gen, dtype=torch.float64)
    return x.float(), y


def _case(name, n, v, d, h, k, batch_size, epochs, seed, lr=0.1, target=None, tol=None):
    gen = generator(seed)
    centers = 1.5 * torch.randn(k, d, generator=gen, dtype=torch.float64)
    train_x, train_y = _blobs(n, d, k, gen, centers)
    val_x, val_y = _blobs(v, d, k, gen, centers)

    def w(*shape, scale):
        return (scale * torch.randn(*shape, generator=gen, dtype=torch.float64)).float()

    args = {"w1": w(h, d, scale=d ** -0.5), "b1": w(h, scale=0.1),
            "bn_weight": (1.0 + w(h, scale=0.1)), "bn_bias": w(h, scale=0.1),
            "w2": w(k, h, scale=h ** -0.5), "b2": w(k, scale=0.1),
            "train_x": train_x, "train_y": train_y, "val_x": val_x, "val_y": val_y,
            "batch_size": batch_size, "epochs": epochs, "lr": lr}
    extra = {"val_loss_below": target} if target is not None else {}
    return Case(name, args, tol=tol or Tol(atol=3e-5, rtol=1e-4), extra=extra)


def cases():
    yield _case("one epoch, 16 samples in batches of 4", 16, 8, 3, 5, 2, 4, 1, seed=1)
    yield _case("3 epochs, 30 samples in batches of 8 (the last has 6)", 30, 11, 4, 6, 3, 8, 3,
                seed=2)
    yield _case("2 epochs, one full batch of 20, 5 classes", 20, 9, 5, 7, 5, 20, 2, seed=3)
    yield _case("4 epochs, 37 samples in batches of 5 (the last has 2), lr 0.05", 37, 13, 6, 8, 4,
                5, 4, seed=4, lr=0.05)
    yield _case("learns: 10 epochs, 96 samples in batches of 16, validation loss below 0.35",
                96, 64, 4, 16, 3, 16, 10, seed=5, lr=0.05, target=0.35,
                tol=Tol(atol=1e-4, rtol=1e-3))
