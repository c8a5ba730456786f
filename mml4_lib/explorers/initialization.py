"""The initialization explorer: init scale x activation x depth -> every layer at a glance.

For a deep MLP (2 inputs, `depth` hidden layers of 100 units, one logit) on the circle data,
the figure shows, at initialization, one row per hidden layer: the histogram of its
activations with their mean, standard deviation and saturated (or, for ReLU, switched-off)
share, and the histogram of log10 |dL/dW| of the weights feeding it with their norm; on the
right, the training loss of the same network over a few dozen SGD steps.

Three layers: ``mml4_lib.lab.propagation`` computes (cached per combination, so the static
book's precompute and live mode share the work), ``setup_init``/``update_init`` draw,
``make_init_explorer`` wires the controls. ``plot_std_by_layer`` draws the chapter's static
summary. Introduced in chapter 8 (Weight initialization).
"""

import functools

import numpy as np

from mml4_lib.activations import activation_class
from mml4_lib.lab.propagation import (
    ACT_RANGES,
    GRAD_LOG_RANGE,
    INIT_LR,
    SCHEMES,
    STEPS,
    initial_diagnostics,
    training_curve,
)
from mml4_lib.plotting import (
    ERROR_RED,
    chance_line,
    ridges,
    scale_label,
    weights_label,
)
from mml4_lib.plotting.render import new_figure
from mml4_lib.widgets import Explorer, choice, slider

__all__ = ["SCALES", "DEPTHS", "MAX_DEPTH", "ACTIVATIONS", "setup_init", "update_init",
           "make_initialization_explorer", "plot_std_by_layer", "layer_note", "loss_note",
           "short_number"]

# The init-scale axis: zeros, a log scale of N(0, 1) multipliers, then the three
# variance-preserving schemes.
SCALES = (0.0, 0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, *SCHEMES)
DEPTHS = (2, 5, 10, 20)
MAX_DEPTH = DEPTHS[-1]
# The lecture's four: the page holds a frame for every scale x activation x depth.
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
_ROW = 0.85  # height of a ridge inside its row of height 1
LOSS_TOP = 1.0
_TEXT = ridges.NOTE_COLOR


def short_number(v, sign=False):
    """At most 6 characters: 0.13, -2.50, 3e-07, 2e+12 (sign=True adds + to positive numbers)."""
    plus = "+" if sign else ""
    if v == 0 or 0.005 <= abs(v) < 99.5:
        return f"{v:{plus}.2f}"
    return f"{v:{plus}.0e}"


def layer_note(diag, l):
    """The numbers beside layer l's activation histogram: mean, std, saturated share (%)."""
    return (f"{short_number(diag['mean'][l], sign=True):>6} "
            f"{short_number(diag['std'][l]):>6} {100 * diag['saturation'][l]:3.0f}%")


def loss_note(run, initial_loss):
    """The text in the loss panel: first and last loss and accuracy, or the divergence step."""
    if run["diverged_at"] is not None:
        return f"diverged at step {run['diverged_at']}:\nthe loss or a weight\nbecame inf/NaN"
    loss, acc = run["loss"], run["acc"]
    off = "\n(starts off the chart)" if initial_loss > LOSS_TOP else ""
    return f"loss {loss[0]:.3g} -> {loss[-1]:.2g}\naccuracy {100 * acc[-1]:.0f}%{off}"


def setup_init():
    """Build the figure once: two ridge plots with notes per layer and the loss panel.

    Every axes keeps fixed limits (the activation axis runs over [0, 1], its range mapped
    onto it), and everything that changes is animated: the explorer then redraws only
    those artists over a cached background, several times faster than a full draw.
    """
    # 8.2 x 4 inches at 80 dpi: 656 pixels wide, the width of the book's text column.
    fig = new_figure(8.2, 4.0)
    ax_act = fig.add_axes((0.055, 0.11, 0.23, 0.75))
    ax_grad = fig.add_axes((0.455, 0.11, 0.2, 0.75))
    ax_loss = fig.add_axes((0.8, 0.11, 0.185, 0.75))
    act_stairs, grad_stairs, animated = ridges.layer_ridges(ax_act, ax_grad, MAX_DEPTH)
    text = functools.partial(ridges.note, animated)  # an animated note: text(ax, x, y, ...)
    act_notes, grad_notes, row_labels = [], [], []
    ax_act_y, ax_grad_y = ax_act.get_yaxis_transform(), ax_grad.get_yaxis_transform()
    for _ in range(MAX_DEPTH):
        # Notes in axes-x / data-y coordinates: right of each ridge, in the gutter.
        act_notes.append(text(ax_act, 1.03, 0, transform=ax_act_y, va="center",
                              family="monospace"))
        grad_notes.append(text(ax_grad, 1.03, 0, transform=ax_grad_y, va="center"))
        row_labels.append(text(ax_act, -0.03, 0, transform=ax_act_y, va="center", ha="right"))
    header = text(ax_act, 1.03, 1.0, transform=ax_act.transAxes, va="bottom",
                  family="monospace")
    tick_labels, tick_marks = ridges.activation_axis(ax_act)
    animated += [*tick_labels, tick_marks]
    ridges.style_ridge_axes((ax_act, ax_grad), MAX_DEPTH, labelsize=8)
    ax_act.set_ylabel("hidden layer", fontsize=8, labelpad=14)
    ax_act.set_title("activations at init", fontsize=8.5, loc="left")
    ax_grad.set_title("log10 |dL/dW| at init", fontsize=8.5, loc="left")
    ridges.gradient_log_axis(ax_grad, GRAD_LOG_RANGE)
    ax_grad.text(1.03, 1.0, "norm", transform=ax_grad.transAxes, fontsize=7.5, va="bottom",
                 color=_TEXT)
    chance_line(ax_loss)
    (loss_line,) = ax_loss.plot([], [], color="k", linewidth=1.5)
    animated.append(loss_line)
    ax_loss.set_xlim(0, STEPS)
    ax_loss.set_ylim(0, LOSS_TOP)
    ax_loss.set_xlabel("SGD step", fontsize=8)
    ax_loss.set_title("training loss", fontsize=8.5, loc="left")
    ax_loss.tick_params(labelsize=8, length=2)
    loss_text = text(ax_loss, 0.97, 0.97, transform=ax_loss.transAxes, ha="right",
                     va="top")
    title = text(ax_act, 0.0, 1.13, transform=ax_act.transAxes, va="bottom")
    title.set_fontsize(9.5)
    title.set_weight("bold")
    for artist in animated:
        artist.set_animated(True)
    return {"fig": fig, "ax_act": ax_act, "ax_grad": ax_grad, "ax_loss": ax_loss,
            "act_stairs": act_stairs, "grad_stairs": grad_stairs, "act_notes": act_notes,
            "grad_notes": grad_notes, "row_labels": row_labels, "header": header,
            "tick_labels": tick_labels, "tick_marks": tick_marks, "loss_line": loss_line,
            "loss_text": loss_text, "title": title}


def update_init(state, scale, activation, depth):
    """Redraw for one (scale, activation, depth): histograms and notes per layer, loss curve."""
    diag = initial_diagnostics(scale, activation, depth)
    run = training_curve(scale, activation, depth, lr=INIT_LR)
    lo, hi = ACT_RANGES[activation]
    act_edges = ridges.to_unit(diag["act_edges"], (lo, hi))
    height = MAX_DEPTH / depth  # rows fill the axes whatever the depth
    for l in range(MAX_DEPTH):
        visible = l < depth
        for key in ("act_stairs", "grad_stairs", "act_notes", "grad_notes", "row_labels"):
            state[key][l].set_visible(visible)
        if not visible:
            continue
        base = (depth - 1 - l) * height  # layer 1 at the top
        ridges.set_ridge(state["act_stairs"][l], diag["act_hist"][l], act_edges, base, height,
                         fill=_ROW)
        ridges.set_ridge(state["grad_stairs"][l], diag["grad_hist"][l], diag["grad_edges"], base,
                         height, fill=_ROW)
        y = base + 0.3 * height
        for key, s in (("act_notes", layer_note(diag, l)),
                       ("grad_notes", short_number(diag["grad_norm"][l])),
                       ("row_labels", str(l + 1))):
            state[key][l].set_y(y)
            state[key][l].set_text(s)
    unit = activation_class(activation)
    state["header"].set_text(f"  mean    std {unit.inactive_short}")
    ridges.set_activation_ticks(state["tick_labels"], state["tick_marks"], unit.ticks, (lo, hi))
    state["loss_line"].set_data(np.arange(len(run["loss"])), np.minimum(run["loss"], 5.0))
    state["loss_text"].set_text(loss_note(run, diag["loss"]))
    state["loss_text"].set_color(ERROR_RED if run["diverged_at"] is not None else _TEXT)
    weights = weights_label(scale)
    state["title"].set_text(f"{weights}, {unit.label}, "
                            f"{depth} hidden layers x 100")
    state["description"] = describe_init(diag, run, scale, unit, depth)


def describe_init(diag, run, scale, unit, depth):
    """The figure in words, from the numbers it draws: the activations' spread from the first
    to the last layer, how many are saturated (off), the gradients, the training loss."""
    std, share = diag["std"], diag["saturation"]
    worst = int(np.argmax(share))
    inactive = (f"none {unit.inactive_word}" if share.max() < 0.005 else
                f"up to {100 * share[worst]:.0f}% {unit.inactive_word} (layer {worst + 1})")
    if run["diverged_at"] is not None:
        loss = f"training diverged at step {run['diverged_at']}"
    else:
        loss = (f"training loss {run['loss'][0]:.3g} -> {run['loss'][-1]:.2g} after "
                f"{len(run['loss'])} steps")
    return (f"{unit.label}, {scale_label(scale)} weights, {depth} hidden layers of 100: "
            f"activation std {short_number(std[0])} in layer 1 -> {short_number(std[-1])} in "
            f"layer {depth}, {inactive}; ||dL/dW|| {short_number(diag['grad_norm'][0])} in "
            f"layer 1 -> {short_number(diag['grad_norm'][-1])} in layer {depth}; {loss}.")


def make_initialization_explorer(*, mode=None):
    """Init scale x activation x depth: 11 x 4 x 4 = 176 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer.
    """
    controls = [
        slider("scale", SCALES, value="xavier", labels=[scale_label(s) for s in SCALES],
               description="init scale"),
        choice("activation", ACTIVATIONS, value="tanh",
               labels=[activation_class(a).label for a in ACTIVATIONS], buttons=True),
        slider("depth", DEPTHS, value=10, description="hidden layers"),
    ]
    # 8 colours keep a frame near 7 kB: 176 of them fit the page budget.
    return Explorer(controls, setup_init, update_init, mode=mode, update_on_release=True, dpi=80,
                    colors=8)


def plot_std_by_layer(axes, scales, *, depth=MAX_DEPTH, activations=ACTIVATIONS):
    """The static summary: activation std by layer, one line per scale, one Axes per activation.

    Alt text: "For each activation, the standard deviation of every hidden layer's outputs
    at initialization on a log axis, one line per initialization."
    Args: axes a sequence of len(activations) Axes; scales init scales as in
        ``mml4_lib.lab.propagation.init_spec``; depth hidden layers; activations names.
    Returns: dict activation -> list of Line2D (one per scale, in order).
    Chapter 8.
    """
    axes = list(np.ravel(axes))
    if len(axes) != len(activations):
        raise ValueError(f"axes must have one Axes per activation ({len(activations)}), "
                         f"got {len(axes)}")
    layers = np.arange(1, depth + 1)
    lines = {}
    for ax, activation in zip(axes, activations, strict=True):
        lines[activation] = []
        for scale in scales:
            std = initial_diagnostics(scale, activation, depth)["std"]
            # A zero std cannot sit on a log axis: drawn at the bottom edge instead.
            (line,) = ax.plot(layers, np.maximum(std, 1e-12), marker="o", markersize=3,
                              label=scale_label(scale))
            lines[activation].append(line)
        ax.set_yscale("log")
        ax.set_title(activation_class(activation).label)
        ax.set_xlabel("hidden layer")
        ax.set_xticks(layers[::2] if depth > 6 else layers)
    return lines
