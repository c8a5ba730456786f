"""Dropout on noisy 2-D data: the keep probability p against overfitting, over the epochs.

Without dropout the wide network fits the label noise: the decision boundary wraps around
single points and the validation loss climbs. Dropout with keep probability p keeps it
smoother. Three layers: ``mml4_lib.lab.dropout.dropout_run`` computes (one training run per p,
with snapshots of the probability surface at a few epochs), ``setup_dropout``/``update_dropout``
draw, ``make_dropout_explorer`` wires the controls. Introduced in chapter 10 (Dropout).
"""

import numpy as np

from mml4_lib.lab.dropout import (
    EPOCHS,
    GRID,
    KEEP_VALUES,
    LIM,
    SNAPSHOTS,
    check_keep_prob,
    dataset,
    dropout_run,
)
from mml4_lib.plotting import (
    plot_decision_boundary,
    plot_loss_curves,
    update_decision_boundary,
    update_loss_curves,
)
from mml4_lib.plotting.render import new_figure
from mml4_lib.widgets import Explorer, slider

__all__ = ["setup_dropout", "update_dropout", "make_dropout_explorer"]


def setup_dropout():
    """Build the figure once: probability surface with the training points, loss curves."""
    fig = new_figure(7.6, 3.6)
    ax_b = fig.add_axes((0.02, 0.12, 0.4, 0.74))
    ax_l = fig.add_axes((0.52, 0.14, 0.45, 0.72))
    X_train, _, y_train, _ = dataset()
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
    check_keep_prob(keep_prob)
    if epoch not in SNAPSHOTS:
        raise ValueError(f"epoch must be one of the stored snapshots {SNAPSHOTS}, got {epoch!r}")
    run = dropout_run(keep_prob)
    update_decision_boundary(state["boundary"], lambda P: run["surfaces"][epoch])
    h = run["history"]
    # Value e - 1 of a History is the loss after epoch e: the curves start at epoch 1.
    update_loss_curves(state["curves"], {"train_loss": h.train_loss[:epoch],
                                         "val_loss": h.val_loss[:epoch]},
                       first_epoch=1, rescale=False)
    state["marker"].set_xdata([epoch, epoch])
    what = "no dropout" if keep_prob == 1 else f"keep probability p = {keep_prob:g}"
    state["title"].set_text(
        f"{what}, epoch {epoch}: train loss {h.train_loss[epoch - 1]:.3f}, validation loss "
        f"{h.val_loss[epoch - 1]:.3f}\n(after {EPOCHS} epochs: train accuracy "
        f"{run['train_acc']:.0%}, validation accuracy {run['val_acc']:.0%})")
    best = int(np.argmin(h.val_loss[:epoch])) + 1
    state["description"] = (
        f"A 2-64-64-1 ReLU network, {what}, at epoch {epoch}: training loss "
        f"{h.train_loss[epoch - 1]:.3f}, validation loss {h.val_loss[epoch - 1]:.3f} (lowest "
        f"{min(h.val_loss[:epoch]):.3f}, at epoch {best}); after {EPOCHS} epochs train accuracy "
        f"{run['train_acc']:.0%}, validation accuracy {run['val_acc']:.0%}. The map shows the "
        f"predicted probability of class 1 over the plane with the 60 training points.")


def make_dropout_explorer(*, mode=None):
    """Sliders for the keep probability and the epoch: 5 x 4 = 20 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS). All runs are trained when the
    explorer is built (about a second in total). Returns an Explorer.
    """
    for p in KEEP_VALUES:
        dropout_run(p)
    controls = [slider("keep_prob", sorted(KEEP_VALUES), value=1.0, description="keep prob p"),
                slider("epoch", SNAPSHOTS, value=SNAPSHOTS[-1], description="epoch")]
    return Explorer(controls, setup_dropout, update_dropout, mode=mode)
