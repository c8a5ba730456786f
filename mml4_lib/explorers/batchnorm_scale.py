"""Batch norm against a bad initialization: a deep tanh network with weights scale * N(0, 1).

Three layers: ``mml4_lib.lab.batchnorm.init_scale_run`` computes (one training run per scale,
with and without batch norm), ``setup_init_scale``/``update_init_scale`` draw its activation
histograms at initialization and its loss curve, ``make_batchnorm_scale_explorer`` offers the
scale and batch norm off/on. Introduced in chapter 9 (Batch normalization).
"""

import numpy as np

from mml4_lib.lab.batchnorm import DEPTH, EPOCHS, init_scale_run
from mml4_lib.plotting import (
    plot_activation_histograms,
    plot_loss_curves,
    update_activation_histograms,
    update_loss_curves,
)
from mml4_lib.plotting.render import new_figure
from mml4_lib.widgets import Explorer, choice, slider

__all__ = ["SCALE_VALUES", "setup_init_scale", "update_init_scale",
           "make_batchnorm_scale_explorer"]


# ----------------------------------------------------------------------------- init scale
SCALE_VALUES = (0.001, 0.01, 0.1, 0.3, 1.0, 3.0)


def setup_init_scale():
    """Build the figure once: overlaid activation histograms, their notes, the loss curve."""
    fig = new_figure(7.6, 3.2)
    ax_h = fig.add_axes((0.02, 0.15, 0.33, 0.68))
    ax_l = fig.add_axes((0.71, 0.15, 0.24, 0.68))
    first = init_scale_run(SCALE_VALUES[0], False)
    labels = [f"layer {i + 1}" for i in range(DEPTH)]
    hist = plot_activation_histograms(ax_h, dict(zip(labels, first["acts"], strict=True)),
                                      bins=40, range=(-1.0, 1.0),
                                      saturation=first["saturation"])
    # The notes (legend entries) go to the right of the histograms, where they hide nothing.
    legend = ax_h.get_legend()
    legend.set_bbox_to_anchor((1.02, 1.0), transform=ax_h.transAxes)
    legend.set_loc("upper left")
    ax_h.set_xlabel("tanh output at initialization")
    ax_h.set_yticks([])
    loss = plot_loss_curves(ax_l, {"train_loss": first["history"].train_loss})
    ax_l.get_legend().remove()
    ax_l.yaxis.tick_right()  # leaves room for the histogram notes on the left
    ax_l.set_ylim(0, 1.5)
    ax_l.set_xlim(0, EPOCHS - 1)
    ax_l.set_title("training loss", fontsize=9)
    title = fig.suptitle("", fontsize=10)
    return {"fig": fig, "hist": hist, "loss": loss, "title": title}


def update_init_scale(state, scale, batch_norm):
    """Show the run for (scale, batch_norm): histograms at init, loss curve, accuracy."""
    run = init_scale_run(scale, batch_norm)
    update_activation_histograms(state["hist"], run["acts"], saturation=run["saturation"])
    history = run["history"]
    update_loss_curves(state["loss"], history)  # its note says where training diverged
    acc = "diverged" if np.isnan(run["accuracy"]) else f"{run['accuracy']:.0%}"
    bn = "on" if batch_norm else "off"
    state["title"].set_text(f"weights {scale:g} x N(0, 1), batch norm {bn}: "
                            f"last-layer std {run['std'][-1]:.3f}, accuracy after "
                            f"{EPOCHS} epochs {acc}")
    losses = history.train_loss
    trained = (f"training diverged at epoch {history.diverged_at}"
               if history.diverged_at is not None else
               f"training loss {losses[0]:.3f} -> {losses[-1]:.3f} in {EPOCHS} epochs")
    state["description"] = (
        f"A {DEPTH}-layer tanh network, weights {scale:g} x N(0, 1), batch norm {bn}: at "
        f"initialization the activations' std is {run['std'][0]:.2g} in layer 1 and "
        f"{run['std'][-1]:.2g} in layer {DEPTH}, {100 * max(run['saturation']):.0f}% saturated "
        f"at most; {trained}; accuracy {acc}.")


def make_batchnorm_scale_explorer(*, mode=None):
    """A slider for the init scale and buttons for batch norm: 6 x 2 = 12 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer that trains.
    """
    controls = [slider("scale", SCALE_VALUES, value=0.01, description="init scale"),
                choice("batch_norm", (False, True), value=False, labels=("off", "on"),
                       buttons=True, description="batch norm")]
    return Explorer(controls, setup_init_scale, update_init_scale, mode=mode,
                    update_on_release=True)
