"""Dropout on noisy 2-D data: one training run per keep probability p, with snapshots.

A wide network (2-64-64-1, ReLU) is trained on 60 noisy points of the circle data and
validated on 500 more. Without dropout it fits the label noise; dropout with keep probability
p (inverted, the library's default) keeps it smoother. NumPy only: the explorer
``mml4_lib.explorers.dropout`` draws it. Introduced in chapter 10 (Dropout).
"""

from functools import lru_cache

import numpy as np

from mml4_lib.activations import sigmoid
from mml4_lib.base import readonly
from mml4_lib.data import make_circle, make_grid
from mml4_lib.layers import make_mlp
from mml4_lib.losses import BCEWithLogitsLoss
from mml4_lib.optim import Adam
from mml4_lib.train import accuracy, fit

__all__ = ["KEEP_VALUES", "SNAPSHOTS", "N_TRAIN", "N_VAL", "NOISE", "WIDTH", "EPOCHS", "LR",
           "INPUT_SCALE", "LIM", "GRID", "dataset", "check_keep_prob", "dropout_run"]


KEEP_VALUES = (1.0, 0.9, 0.75, 0.5, 0.3)
SNAPSHOTS = (25, 50, 100, 200)  # epochs at which the surface is stored; the last is EPOCHS
N_TRAIN, N_VAL, NOISE = 60, 500, 0.35
WIDTH, EPOCHS, LR = 64, 200, 0.01
INPUT_SCALE = 5.0  # the circle data lie in [-5, 5]^2; the network sees x / 5
LIM, GRID = 6.0, 60  # plotted square [-6, 6]^2 and grid cells per side


@lru_cache(maxsize=1)
def dataset():
    """60 training and 500 validation points of make_circle with noise 0.35 (seeded).

    Returns X_train (60, 2), X_val (500, 2), y_train (60,), y_val (500,), in the data's own
    coordinates (the network divides by INPUT_SCALE). Read-only: shared through the cache.
    """
    X, y = make_circle(N_TRAIN + N_VAL, NOISE, rng=np.random.default_rng(0))
    order = np.random.default_rng(1).permutation(len(X))
    train, val = order[:N_TRAIN], order[N_TRAIN:]
    return tuple(readonly(a) for a in (X[train], X[val], y[train], y[val]))


def check_keep_prob(keep_prob):
    if isinstance(keep_prob, bool) or not isinstance(keep_prob, (int, float, np.number)) or not (
        0 < keep_prob <= 1
    ):
        raise ValueError(f"keep_prob must be a number in (0, 1], got {keep_prob!r}")


@lru_cache(maxsize=32, typed=True)  # typed: True (a bad keep_prob) is not 1.0
def dropout_run(keep_prob, *, seed=0):
    """Train 2-64-64-1 (ReLU, He init, float32) with dropout keep_prob after each hidden layer.

    keep_prob = 1 means no dropout layers. Full-batch Adam (lr 0.01) on the 60 training
    points for 200 epochs, BCE with logits, validated on the 500 others. Results are cached:
    the same arguments return the same dict, which callers must not modify.

    Args: keep_prob in (0, 1]; seed int (weights and dropout masks).
    Returns: dict with "history" (a History; train_loss/train_acc measured in training mode,
        i.e. with dropout on), "train_acc" and "val_acc" (eval mode, after training),
        "surfaces" {epoch: (GRID, GRID) probabilities on make_grid(LIM, GRID)} for the
        epochs in SNAPSHOTS, and "model" (the trained Sequential, in eval mode).
    Introduced in chapter 10.
    """
    check_keep_prob(keep_prob)
    X_train, X_val, y_train, y_val = dataset()
    rng = np.random.default_rng(seed)
    model = make_mlp([2, WIDTH, WIDTH, 1], activation="relu", init="he",
                     keep_prob=None if keep_prob == 1 else float(keep_prob), rng=rng,
                     dtype=np.float32)
    grid, _, _ = make_grid(LIM, GRID)
    surfaces = {}

    def snapshot(epoch, history, model):
        if epoch + 1 in SNAPSHOTS:
            model.eval()
            surfaces[epoch + 1] = sigmoid(model.forward(grid / INPUT_SCALE)).reshape(GRID, GRID)
            model.train()

    loss_fn = BCEWithLogitsLoss()
    history = fit(model, loss_fn, Adam(LR), X_train / INPUT_SCALE, y_train, epochs=EPOCHS,
                  rng=rng, X_val=X_val / INPUT_SCALE, y_val=y_val, callback=snapshot)
    model.eval()
    return {
        "history": history,
        "train_acc": accuracy(model.forward(X_train / INPUT_SCALE), y_train, loss_fn),
        "val_acc": accuracy(model.forward(X_val / INPUT_SCALE), y_val, loss_fn),
        "surfaces": surfaces,
        "model": model,
    }


