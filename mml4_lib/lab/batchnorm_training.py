"""Batch normalization during training, on the handwritten digits (Ioffe and Szegedy's Fig. 1).

* ``sigmoid_input_percentiles`` trains the chapter's digits network (three hidden sigmoid
  layers of 64 units) and follows the input of one sigmoid unit of the last hidden layer:
  its 15th, 50th and 85th percentiles over the validation images, every few steps, with and
  without batch norm (the paper's Fig. 1b-c).
* ``lr_sweep`` trains the same network with several learning rates and seeds, with and
  without batch norm, and returns the final validation accuracy of each run (the paper's
  practical claim: batch norm trains at a learning rate several times larger).

NumPy only; results are cached by their arguments. Introduced in chapter 9 (Batch
normalization).
"""

import copy
import math
import numbers
from functools import lru_cache

import numpy as np

from mml4_lib.activations import ACTIVATIONS
from mml4_lib.base import readonly
from mml4_lib.data import load_digits, train_test_split
from mml4_lib.layers import make_mlp
from mml4_lib.losses import SoftmaxCrossEntropyLoss
from mml4_lib.optim import SGD
from mml4_lib.stats import activation_name
from mml4_lib.train import fit, iterate_minibatches

__all__ = ["SIZES", "LR", "BATCH", "EPOCHS", "PERCENTILES", "SWEEP_LRS", "SWEEP_SEEDS",
           "dataset", "make_network", "sigmoid_input_percentiles", "lr_sweep"]

SIZES = (64, 64, 64, 64, 10)  # 8x8 pixels -> three hidden layers of 64 -> 10 classes
LR, BATCH, EPOCHS = 0.1, 32, 10  # the chapter's setting
PERCENTILES = (15, 50, 85)
SWEEP_LRS = (0.1, 0.3, 1.0, 3.0)
SWEEP_SEEDS = (0, 1, 2)


@lru_cache(maxsize=1)
def dataset():
    """The digits split as in chapter 9: 70 % training, 30 % validation (split seed 0).

    Returns X_tr (1257, 64), X_va (540, 64) float32 in [0, 1], y_tr, y_va int labels;
    read-only arrays.
    """
    X, y = load_digits()
    parts = train_test_split(X, y, 0.3, rng=np.random.default_rng(0))
    X_tr, X_va, y_tr, y_va = parts[0].astype(np.float32), parts[1].astype(np.float32), *parts[2:]
    return readonly(X_tr), readonly(X_va), readonly(y_tr), readonly(y_va)


def _check(activation, batch_norm, lr, seed):
    if activation not in ACTIVATIONS or activation == "linear":
        names = tuple(a for a in ACTIVATIONS if a != "linear")
        raise ValueError(f"activation must be one of {names}, got {activation!r}")
    if not isinstance(batch_norm, bool):
        raise ValueError(f"batch_norm must be True or False, got {batch_norm!r}")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr < math.inf:
        raise ValueError(f"lr must be a number > 0, got {lr!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be an int, got {seed!r}")


def make_network(activation, batch_norm, rng):
    """The chapter's digits network: SIZES, Xavier weights, float32, batch norm or not."""
    return make_mlp(list(SIZES), activation=activation, init="xavier", batch_norm=batch_norm,
                    rng=rng, dtype=np.float32)


def _last_hidden_input(model, X):
    """The input of the last hidden activation module, (N, 64), as training mode computes it.

    Batch norm normalizes with the statistics of X, as during training (evaluation mode's
    running averages start at mean 0 and variance 1 and would not normalize at step 0); a
    copy of the model runs it, so the model's running buffers stay untouched.
    """
    trial = copy.deepcopy(model)
    trial.train()
    out, before_activation = X, None
    for module in trial.layers:
        if activation_name(module) is not None:
            before_activation = out
        out = module.forward(out)
    return before_activation


def sigmoid_input_percentiles(batch_norm, *, unit=0, every=10, lr=LR, epochs=EPOCHS, seed=1):
    """Percentiles of one last-hidden-layer sigmoid unit's input over training.

    Trains ``make_network("sigmoid", batch_norm)`` on ``dataset()`` with plain SGD (lr,
    batches of BATCH, `epochs` epochs; one np.random.default_rng(seed) for the weights and
    then the shuffling, as the chapter does). Before step 0 and after every `every` steps
    the input z of sigmoid unit `unit` of the last hidden layer (with batch norm:
    gamma * z_hat + beta, what the sigmoid receives, normalized with the statistics of the
    validation images as training mode does) is computed for every validation image.
    Args: batch_norm bool; unit in 0 ... 63; every >= 1 steps; lr > 0; epochs >= 1; seed int.
    Returns: dict of read-only arrays, "step" (T,) and "percentiles" (T, 3) the
        PERCENTILES of z over the validation images at those steps; "val_acc" the final
        validation accuracy (float). Chapter 9.
    """
    _check("sigmoid", batch_norm, lr, seed)
    for name, value, low, high in (("unit", unit, 0, SIZES[-2] - 1), ("every", every, 1, None),
                                   ("epochs", epochs, 1, None)):
        if (isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low
                or (high is not None and value > high)):
            bound = f"in {low} ... {high}" if high is not None else f">= {low}"
            raise ValueError(f"{name} must be an int {bound}, got {value!r}")
    return _percentiles(batch_norm, int(unit), int(every), float(lr), int(epochs), int(seed))


@lru_cache(maxsize=8)
def _percentiles(batch_norm, unit, every, lr, epochs, seed):
    X_tr, X_va, y_tr, y_va = dataset()
    rng = np.random.default_rng(seed)
    model = make_network("sigmoid", batch_norm, rng)
    loss_fn, optimizer = SoftmaxCrossEntropyLoss(), SGD(lr)
    steps, rows = [], []

    def record(step):
        steps.append(step)
        rows.append(np.percentile(_last_hidden_input(model, X_va)[:, unit], PERCENTILES))

    step = 0
    model.train()
    for _ in range(epochs):
        for X_batch, y_batch in iterate_minibatches(X_tr, y_tr, BATCH, rng=rng):
            if step % every == 0:
                record(step)
            loss_fn.forward(model.forward(X_batch), y_batch)
            model.backward_params(loss_fn.backward())
            optimizer.step(model.params, model.grads)
            step += 1
    record(step)
    model.eval()
    pred = model.forward(X_va)
    model.train()
    return {"step": readonly(steps), "percentiles": readonly(rows),
            "val_acc": float(np.mean(np.argmax(pred, axis=1) == y_va))}


def lr_sweep(activation, *, lrs=SWEEP_LRS, seeds=SWEEP_SEEDS, epochs=EPOCHS):
    """Final validation accuracy of the digits network for every lr and seed, without and with BN.

    Each run: ``make_network(activation, batch_norm, np.random.default_rng(seed))`` trained
    by ``fit`` with SGD(lr), batches of BATCH, `epochs` epochs (the same generator then
    shuffles). A run whose loss or weights became inf/NaN counts as diverged.
    Args: activation a hidden activation name; lrs, seeds non-empty tuples (lr > 0);
        epochs >= 1.
    Returns: dict with "accuracy" (2, L, K) read-only, index 0 without and 1 with batch
        norm, NaN for a diverged run; "diverged" (2, L, K) bool; "lrs", "seeds".
    Chapter 9.
    """
    for name, values in (("lrs", lrs), ("seeds", seeds)):
        if not isinstance(values, tuple) or not values:
            raise ValueError(f"{name} must be a non-empty tuple, got {values!r}")
    for lr in lrs:
        for seed in seeds:
            _check(activation, False, lr, seed)
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
    return _lr_sweep(activation, lrs, seeds, int(epochs))


@lru_cache(maxsize=128)
def _run(activation, batch_norm, lr, seed, epochs):
    X_tr, X_va, y_tr, y_va = dataset()
    rng = np.random.default_rng(seed)
    model = make_network(activation, batch_norm, rng)
    history = fit(model, SoftmaxCrossEntropyLoss(), SGD(lr), X_tr, y_tr, epochs=epochs,
                  batch_size=BATCH, rng=rng, X_val=X_va, y_val=y_va)
    return None if history.diverged_at is not None else history.val_acc[-1]


@lru_cache(maxsize=8)
def _lr_sweep(activation, lrs, seeds, epochs):
    acc = np.array([[[_run(activation, bn, lr, seed, epochs) for seed in seeds] for lr in lrs]
                    for bn in (False, True)], dtype=np.float64)  # None -> NaN
    return {"accuracy": readonly(acc), "diverged": readonly(np.isnan(acc)), "lrs": lrs,
            "seeds": seeds}
