"""Depth without a nonlinearity buys nothing: deep linear networks vs. tanh networks on XOR.

A network of `depth` Linear layers (hidden width 8) is trained on the XOR data, either purely
linear or with tanh after every hidden layer. However deep, the linear network computes one
affine function x W + b with W = W_1 W_2 ... W_L, so its decision boundary is one straight line
and it cannot solve XOR; with tanh two layers are already enough.

Three layers: ``mml4_lib.lab.linear_depth`` computes (``train_depth``, ``collapse``,
``affine_residual``), ``setup_depth``/``update_depth`` draw, ``make_linear_depth_explorer``
wires the controls. Trained networks are cached, so a combination seen once redraws without
training. Introduced in chapter 2 (Composing linear models).
"""

import numpy as np
from contourpy import contour_generator  # matplotlib's own contouring library

from mml4_lib.activations import sigmoid
from mml4_lib.data import make_grid
from mml4_lib.lab.linear_depth import EPOCHS, dataset, train_depth
from mml4_lib.losses import BCEWithLogitsLoss
from mml4_lib.plotting import chance_line, plot_decision_boundary, plot_loss_curves
from mml4_lib.plotting.render import new_figure
from mml4_lib.train import accuracy
from mml4_lib.widgets import Explorer, choice, slider

__all__ = ["DEPTHS", "HIDDEN", "LIM", "setup_depth", "update_depth", "make_linear_depth_explorer"]


DEPTHS = (1, 2, 3, 4, 5, 6)
HIDDEN = ("linear", "tanh")  # the activation after every hidden layer
LIM = 6.0


def setup_depth(X, y):
    """Build the figure once: probability surface of the network over XOR (left), loss (right).

    X (N, 2), y (N,): the data. Returns the state dict for ``update_depth``. Chapter 2.
    """
    fig = new_figure(7.6, 3.5)
    ax = fig.add_axes((0.06, 0.13, 0.40, 0.74))
    ax_loss = fig.add_axes((0.56, 0.13, 0.41, 0.74))
    surface = plot_decision_boundary(ax, lambda P: np.full(len(P), 0.5), X, y, lim=LIM, n=80,
                                     levels=())
    (boundary,) = ax.plot([], [], color="k", linewidth=1.5, zorder=4)
    ax.set_xlim(-LIM, LIM)
    ax.set_ylim(-LIM, LIM)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$", labelpad=0)
    curves = plot_loss_curves(ax_loss, {"train_loss": [0.7]})
    ax_loss.get_legend().remove()  # one curve: the axis label says what it is
    ax_loss.set_xlim(0, EPOCHS)
    ax_loss.set_ylim(0, 0.8)
    chance_line(ax_loss)
    ax_loss.set_ylabel("training log-loss", labelpad=0)
    title = fig.suptitle("", fontsize=10, y=0.975)
    (line,) = curves["lines"]
    for artist in (surface["image"], *surface["points"], boundary, line, curves["note"], title):
        artist.set_animated(True)
    grid, _, _ = make_grid(LIM, 80)
    return {"fig": fig, "image": surface["image"], "boundary": boundary, "loss": line,
            "note": curves["note"], "title": title, "X": X, "y": y, "grid": grid, "cache": {}}


def _contour_segments(values, lim, level=0.5):
    """The level set of an (n, n) image on [-lim, lim]^2 as one polyline with NaN breaks.

    Uses matplotlib's contour generator without creating artists, so the result can be set on
    an existing animated Line2D.
    """
    _, xs, ys = make_grid(lim, values.shape[0])
    lines = contour_generator(xs, ys, values).lines(level)
    if not lines:
        return np.array([np.nan]), np.array([np.nan])
    joined = np.concatenate([np.vstack([seg, [np.nan, np.nan]]) for seg in lines])
    return joined[:, 0], joined[:, 1]


def update_depth(state, depth, activation):
    """Train (or fetch from the cache) the network for this depth and activation; redraw.

    Chapter 2.
    """
    key = (depth, activation)
    if key not in state["cache"]:
        state["cache"][key] = train_depth(state["X"], state["y"], depth, activation)
    model, history = state["cache"][key]
    logits = model.forward(state["grid"].astype(np.float32)).astype(np.float64)
    n = state["image"].get_array().shape[0]
    probs = sigmoid(logits).reshape(n, n)
    state["image"].set_data(probs)
    state["boundary"].set_data(*_contour_segments(probs, LIM))
    losses = np.asarray(history.train_loss)
    state["loss"].set_data(np.arange(len(losses)), losses)
    acc = accuracy(model.forward(state["X"].astype(np.float32)), state["y"], BCEWithLogitsLoss())
    if activation == "linear":
        shape = "one straight line, as every linear network"
    else:
        shape = "bent" if depth > 1 else "a straight line (no hidden layer)"
    state["title"].set_text(f"{depth} layer{'s' if depth > 1 else ''}, {activation}: "
                            f"accuracy {acc:.0%}, final loss {losses[-1]:.3f}; boundary: {shape}")
    state["description"] = (f"A {depth}-layer {activation} network trained on XOR for "
                            f"{len(losses)} epochs: loss {losses[0]:.3f} -> {losses[-1]:.3f}, "
                            f"accuracy {acc:.0%}; its decision boundary is {shape}.")
    if history.diverged_at is not None:
        return f"diverged at epoch {history.diverged_at}"
    return None


def make_linear_depth_explorer(X=None, y=None, *, mode=None):
    """Depth 1..6 x {linear, tanh} on XOR: 12 combinations, each trained once and cached.

    X (N, 2), y (N,): the data (default: ``mml4_lib.lab.linear_depth.dataset()``).
    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer. Chapter 2.
    """
    if X is None and y is None:
        X, y = dataset()
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X),):
        raise ValueError(f"X must have shape (N, 2) and y shape (N,), got {X.shape} and {y.shape}")
    controls = [slider("depth", DEPTHS, value=3, description="layers"),
                choice("activation", HIDDEN, value="linear", buttons=True,
                       description="hidden")]
    return Explorer(controls, lambda: setup_depth(X, y), update_depth, mode=mode,
                    update_on_release=True)
