"""Activation x depth: how the gradient reaching each layer depends on the nonlinearity.

The same network (2 inputs, `depth` hidden layers of 100 units, one logit, Xavier
initialization, the library's default) with a different activation: on the left, the norm of
dL/dW for every hidden layer at initialization, on a log axis, with the other activations in
grey for comparison; on the right, the training loss over a few dozen SGD steps.

Three layers: ``mml4_lib.lab.propagation`` computes (``gradient_norms`` and
``training_curve``, cached), ``setup_activation_depth``/``update_activation_depth`` draw,
``make_activation_depth_explorer`` wires the controls.
Introduced in chapter 7 (Activations).
"""

import numpy as np

from mml4_lib.activations import activation_class
from mml4_lib.lab.propagation import HIDDEN_ACTIVATIONS, STEPS, gradient_norms, training_curve
from mml4_lib.plotting import PLAYGROUND_BLUE, chance_line
from mml4_lib.plotting.render import new_figure
from mml4_lib.widgets import Explorer, choice, slider

__all__ = ["DEPTHS", "INIT", "NORM_LIM", "setup_activation_depth",
           "update_activation_depth", "make_activation_depth_explorer"]

DEPTHS = (2, 4, 6, 8, 10)
INIT = "xavier"  # one initialization for every activation: only the nonlinearity changes
NORM_LIM = (1e-12, 1e2)


def setup_activation_depth():
    """Build the figure once: gradient norms by layer (left) and the loss curve (right)."""
    fig = new_figure(8.2, 3.2)  # at 80 dpi: 656 pixels, the width of the book's text column
    ax = fig.add_axes((0.085, 0.15, 0.5, 0.7))
    ax_loss = fig.add_axes((0.68, 0.15, 0.3, 0.7))
    others = [ax.plot([], [], color="0.75", linewidth=1, marker="o", markersize=2)[0]
              for _ in range(len(HIDDEN_ACTIVATIONS) - 1)]
    other_labels = [ax.text(0, 0, "", fontsize=7, color="0.4", va="center")
                    for _ in others]
    (main,) = ax.plot([], [], color=PLAYGROUND_BLUE, linewidth=2, marker="o", markersize=4)
    ax.set_yscale("log")
    ax.set_ylim(*NORM_LIM)
    ax.set_xlim(0.5, DEPTHS[-1] + 1.6)  # room on the right for the grey lines' labels
    ax.set_xticks(range(1, DEPTHS[-1] + 1))
    ax.set_xlabel("hidden layer (1 = next to the input)")
    ax.set_ylabel("||dL/dW|| at init")
    title = ax.set_title("", fontsize=9, loc="left")
    chance_line(ax_loss)
    (loss,) = ax_loss.plot([], [], color=PLAYGROUND_BLUE, linewidth=1.8)
    ax_loss.set_xlim(0, STEPS)
    ax_loss.set_ylim(0, 1.0)
    ax_loss.set_xlabel("SGD step")
    ax_loss.set_title("training loss", fontsize=9, loc="left")
    note = ax_loss.text(0.96, 0.96, "", transform=ax_loss.transAxes, ha="right", va="top",
                        fontsize=8)
    for artist in (*others, *other_labels, main, title, loss, note):
        artist.set_animated(True)  # axes limits never change: redraw only these
    return {"fig": fig, "ax": ax, "others": others, "other_labels": other_labels,
            "main": main, "title": title, "loss": loss, "note": note}


def update_activation_depth(state, activation, depth):
    """Redraw the norms of `activation` (and, in grey, the others) and its loss curve."""
    layers = np.arange(1, depth + 1)
    rest = [a for a in HIDDEN_ACTIVATIONS if a != activation]
    ends = []
    for line, other in zip(state["others"], rest, strict=True):
        norms = np.maximum(gradient_norms(other, depth, scale=INIT), NORM_LIM[0])
        line.set_data(layers, norms)
        ends.append(np.log10(norms[-1]))
    # Labels at the lines' right ends, pushed apart to at least one decade, and down again
    # where the highest would leave the axes.
    order = np.argsort(ends)
    y = np.array(ends)[order]
    for k in range(1, len(y)):
        y[k] = max(y[k], y[k - 1] + 1.0)
    y[-1] = min(y[-1], np.log10(NORM_LIM[1]) - 0.5)
    for k in range(len(y) - 2, -1, -1):
        y[k] = min(y[k], y[k + 1] - 1.0)
    for k, i in enumerate(order):
        state["other_labels"][i].set_position((depth + 0.15, 10.0 ** y[k]))
        state["other_labels"][i].set_text(activation_class(rest[i]).label)
    norms = gradient_norms(activation, depth, scale=INIT)
    state["main"].set_data(layers, np.maximum(norms, NORM_LIM[0]))
    ratio = norms[0] / norms[-1] if norms[-1] > 0 else np.nan
    state["title"].set_text(f"{activation_class(activation).label}, {depth} layers: "
                            f"||dW_1|| / ||dW_{depth}|| = {ratio:.2g}")
    run = training_curve(INIT, activation, depth)
    if run["diverged_at"] is not None:
        loss = f"training diverged at step {run['diverged_at']}"
    else:
        loss = f"training loss {run['loss'][0]:.3f} -> {run['loss'][-1]:.3f} in {STEPS} steps"
    state["description"] = (
        f"{activation_class(activation).label}, {depth} hidden layers, Xavier init: gradient "
        f"norm {norms[0]:.2g} at layer 1 and {norms[-1]:.2g} at layer {depth} (ratio "
        f"{ratio:.2g}); {loss}. Grey lines: the other activations at the same depth.")
    state["loss"].set_data(np.arange(len(run["loss"])), run["loss"])
    if run["diverged_at"] is not None:
        state["note"].set_text(f"diverged at step {run['diverged_at']}")
    else:
        state["note"].set_text(f"{run['loss'][0]:.3f} -> {run['loss'][-1]:.3f}\n"
                               f"accuracy {100 * run['acc'][-1]:.0f}%")


def make_activation_depth_explorer(*, mode=None):
    """Activation buttons x depth slider: one frame per hidden activation and depth (7 x 5).

    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer.
    """
    controls = [
        choice("activation", HIDDEN_ACTIVATIONS, value="sigmoid",
               labels=[activation_class(a).label for a in HIDDEN_ACTIVATIONS], buttons=True),
        slider("depth", DEPTHS, value=DEPTHS[-1], description="hidden layers"),
    ]
    return Explorer(controls, setup_activation_depth, update_activation_depth, mode=mode,
                    update_on_release=True, dpi=80, colors=16)
