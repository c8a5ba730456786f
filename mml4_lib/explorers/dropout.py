"""Dropout on noisy 2-D data: the keep probability p against overfitting, over the epochs.

A wide network (2-64-64-1, ReLU) is trained on 60 noisy points of the circle data and
validated on 500 more. Without dropout it fits the label noise: the decision boundary wraps
around single points and the validation loss climbs. Dropout with keep probability p
(inverted, the library's default) keeps it smoother.

Three layers, as every explorer in the book: ``dropout_data``/``dropout_run`` compute (one
training run per p, with snapshots of the probability surface at a few epochs),
``setup_dropout``/``update_dropout`` draw, ``make_dropout_explorer`` wires the controls.
Introduced in chapter 10 (Dropout).
"""

from functools import lru_cache

import numpy as np

from mml4_lib.activations import sigmoid
from mml4_lib.data import make_circle
from mml4_lib.layers import make_mlp
from mml4_lib.losses import BCEWithLogitsLoss
from mml4_lib.optim import Adam
from mml4_lib.plotting import (
    heatmap_grid,
    plot_decision_boundary,
    plot_loss_curves,
    update_decision_boundary,
)
from mml4_lib.train import accuracy, fit
from mml4_lib.widgets import Explorer, new_figure, slider

__all__ = ["KEEP_VALUES", "SNAPSHOTS", "N_TRAIN", "N_VAL", "NOISE", "WIDTH", "EPOCHS", "LR",
           "LIM", "GRID", "dropout_data", "dropout_run", "setup_dropout", "update_dropout",
           "make_dropout_explorer"]

KEEP_VALUES = (1.0, 0.9, 0.75, 0.5, 0.3)
SNAPSHOTS = (25, 50, 100, 200)  # epochs at which the surface is stored; the last is EPOCHS
N_TRAIN, N_VAL, NOISE = 60, 500, 0.35
WIDTH, EPOCHS, LR = 64, 200, 0.01
INPUT_SCALE = 5.0  # the circle data lie in [-5, 5]^2; the network sees x / 5
LIM, GRID = 6.0, 60  # plotted square [-6, 6]^2 and grid cells per side


@lru_cache(maxsize=1)
def dropout_data():
    """60 training and 500 validation points of make_circle with noise 0.35 (seeded).

    Returns X_train (60, 2), X_val (500, 2), y_train (60,), y_val (500,), in the data's own
    coordinates (the network divides by INPUT_SCALE). Read-only: shared through the cache.
    """
    X, y = make_circle(N_TRAIN + N_VAL, NOISE, rng=np.random.default_rng(0))
    order = np.random.default_rng(1).permutation(len(X))
    train, val = order[:N_TRAIN], order[N_TRAIN:]
    arrays = X[train], X[val], y[train], y[val]
    for a in arrays:
        a.setflags(write=False)
    return arrays


def _check_keep_prob(keep_prob):
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
        "surfaces" {epoch: (GRID, GRID) probabilities on heatmap_grid(LIM, GRID)} for the
        epochs in SNAPSHOTS, and "model" (the trained Sequential, in eval mode).
    Introduced in chapter 10.
    """
    _check_keep_prob(keep_prob)
    X_train, X_val, y_train, y_val = dropout_data()
    rng = np.random.default_rng(seed)
    model = make_mlp([2, WIDTH, WIDTH, 1], activation="relu", init="he",
                     keep_prob=None if keep_prob == 1 else float(keep_prob), rng=rng,
                     dtype=np.float32)
    _, grid = heatmap_grid(LIM, GRID)
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


def setup_dropout():
    """Build the figure once: probability surface with the training points, loss curves."""
    fig = new_figure(7.6, 3.6)
    ax_b = fig.add_axes((0.02, 0.12, 0.4, 0.74))
    ax_l = fig.add_axes((0.52, 0.14, 0.45, 0.72))
    X_train, _, y_train, _ = dropout_data()
    first = dropout_run(KEEP_VALUES[0])
    boundary = plot_decision_boundary(ax_b, lambda P: first["surfaces"][SNAPSHOTS[-1]],
                                      X_train, y_train, lim=LIM, n=GRID)
    ax_b.set(xticks=[], yticks=[], aspect="equal")
    curves = plot_loss_curves(ax_l, first["history"], logy=True)
    ax_l.set_ylim(0.03, 3)
    ax_l.set_xlim(0, EPOCHS)
    ax_l.set_ylabel("loss (log scale)")
    marker = ax_l.axvline(EPOCHS, color="0.4", linestyle=":", linewidth=1)
    title = fig.suptitle("", fontsize=10)
    return {"fig": fig, "boundary": boundary, "curves": curves, "marker": marker,
            "title": title}


def update_dropout(state, keep_prob, epoch):
    """Show the run for keep_prob: the surface at `epoch`, the loss curves up to `epoch`."""
    run = dropout_run(keep_prob)
    update_decision_boundary(state["boundary"], lambda P: run["surfaces"][epoch])
    h = run["history"]
    shown = {"train_loss": h.train_loss[:epoch], "val_loss": h.val_loss[:epoch]}
    for line in state["curves"]["lines"]:
        values = shown[line.get_gid()]
        line.set_data(np.arange(1, len(values) + 1), values)
    state["marker"].set_xdata([epoch, epoch])
    what = "no dropout" if keep_prob == 1 else f"keep probability p = {keep_prob:g}"
    state["title"].set_text(
        f"{what}, epoch {epoch}: train loss {h.train_loss[epoch - 1]:.3f}, validation loss "
        f"{h.val_loss[epoch - 1]:.3f}\n(after {EPOCHS} epochs: train accuracy "
        f"{run['train_acc']:.0%}, validation accuracy {run['val_acc']:.0%})")
    state["last"] = run


def make_dropout_explorer(*, mode=None):
    """Sliders for the keep probability and the epoch: 5 x 4 = 20 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS). All runs are trained when the
    explorer is built (about a second in total). Returns an Explorer.
    """
    for p in KEEP_VALUES:
        dropout_run(p)
    controls = [slider("keep_prob", KEEP_VALUES, value=1.0, description="keep prob p"),
                slider("epoch", SNAPSHOTS, value=SNAPSHOTS[-1], description="epoch")]
    return Explorer(controls, setup_dropout, update_dropout, mode=mode)
