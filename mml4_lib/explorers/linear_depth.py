"""Depth without a nonlinearity buys nothing: deep linear networks vs. tanh networks on XOR.

A network of `depth` Linear layers (hidden width 8) is trained on the XOR data, either purely
linear or with tanh after every hidden layer. However deep, the linear network computes one
affine function x W + b with W = W_1 W_2 ... W_L, so its decision boundary is one straight line
and it cannot solve XOR; with tanh two layers are already enough.

Three layers: ``xor_data``, ``train_depth`` and ``affine_residual`` compute, ``setup_depth`` /
``update_depth`` draw, ``make_linear_depth_explorer`` wires the controls. Trained networks
are cached, so a combination seen once redraws without training. Introduced in chapter 2
(Composing linear models).
"""

import numpy as np
from contourpy import contour_generator  # matplotlib's own contouring library

from mml4_lib.activations import Identity, sigmoid
from mml4_lib.data import make_xor
from mml4_lib.layers import Linear, make_mlp
from mml4_lib.losses import BCEWithLogitsLoss
from mml4_lib.optim import Adam
from mml4_lib.plotting import heatmap_grid, plot_decision_boundary, plot_loss_curves
from mml4_lib.train import accuracy, fit
from mml4_lib.widgets import Explorer, choice, new_figure, slider

__all__ = ["DEPTHS", "ACTIVATIONS", "WIDTH", "EPOCHS", "LR", "LIM", "xor_data", "train_depth",
           "collapse", "affine_residual", "setup_depth", "update_depth",
           "make_linear_depth_explorer"]

DEPTHS = (1, 2, 3, 4, 5, 6)
ACTIVATIONS = ("linear", "tanh")
WIDTH = 8  # hidden units per layer
EPOCHS = 200  # full-batch Adam steps; enough for tanh to solve XOR at every depth here
LR = 0.03
LIM = 6.0


def xor_data(n_samples=200, *, seed=0):
    """The XOR data set of chapter 2: make_xor(n_samples, 0) with rng seed `seed`.

    Returns X (N, 2) float64, y (N,) int in {0, 1}.
    """
    return make_xor(n_samples, 0.0, rng=np.random.default_rng(seed))


def train_depth(X, y, depth, activation, *, width=WIDTH, epochs=EPOCHS, lr=LR, seed=0,
                dtype=np.float32):
    """Train a `depth`-layer network with logistic output on (X, y) by full-batch Adam.

    depth: number of Linear layers (1 = logistic regression); activation: "linear" or "tanh",
    applied after every hidden layer. Layer sizes [2, width, ..., width, 1].
    Shapes: X (N, 2), y (N,). Returns (model, History). Deterministic for a given seed. Chapter 2.
    """
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be an integer >= 1 (the number of Linear layers), "
                         f"got {depth!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    rng = np.random.default_rng(seed)
    sizes = [X.shape[1], *([width] * (depth - 1)), 1]
    model = make_mlp(sizes, activation=activation, rng=rng, dtype=dtype)
    history = fit(model, BCEWithLogitsLoss(), Adam(lr=lr), X, y, epochs=epochs, rng=rng)
    return model, history


def collapse(model):
    """The single affine map equal to a purely linear network: out = x W + b.

    For layers out_l = out_{l-1} W_l + b_l: W = W_1 W_2 ... W_L and
    b = (...((b_1 W_2 + b_2) W_3 + b_3) ...) W_L + b_L.
    model: a Sequential whose layers are all Linear (or identity activations).
    Returns W (D_0, D_L), b (D_L,) in float64. Chapter 2.
    """
    if not hasattr(model, "layers"):
        raise TypeError(f"model must be a Sequential, got {type(model).__name__}")
    for i, m in enumerate(model.layers):
        if not isinstance(m, (Linear, Identity)):
            raise ValueError(f"model must hold only Linear layers (and Identity), but layer {i} "
                             f"is {type(m).__name__}: a nonlinearity does not collapse")
    layers = [m for m in model.layers if isinstance(m, Linear)]
    W = np.eye(layers[0].params["W"].shape[0])
    b = np.zeros(layers[0].params["W"].shape[0])
    for layer in layers:
        W_l = layer.params["W"].astype(np.float64)
        W, b = W @ W_l, b @ W_l + layer.params["b"].astype(np.float64)
    return W, b


def affine_residual(model, points):
    """How far the network's output is from the best-fitting plane over `points`.

    Fits out ~ a1 x1 + a2 x2 + c by least squares and returns the largest absolute
    residual divided by the largest |out| (0 means: exactly an affine function, up to rounding).
    Shapes: points (M, 2) -> float. Chapter 2.
    """
    out = model.forward(np.asarray(points, dtype=model.layers[0].params["W"].dtype))
    out = out.astype(np.float64).ravel()
    A = np.column_stack([points, np.ones(len(points))])
    coef, *_ = np.linalg.lstsq(A, out, rcond=None)
    return float(np.max(np.abs(A @ coef - out)) / max(np.max(np.abs(out)), 1e-300))


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
    ax_loss.axhline(np.log(2), color="0.6", linewidth=0.8, linestyle=":")
    ax_loss.text(EPOCHS * 0.98, np.log(2) + 0.02, "log 2: a coin flip", ha="right",
                 fontsize=8, color="0.4")
    ax_loss.set_ylabel("training log-loss", labelpad=0)
    title = fig.suptitle("", fontsize=10, y=0.975)
    (line,) = curves["lines"]
    for artist in (surface["image"], *surface["points"], boundary, line, curves["note"], title):
        artist.set_animated(True)
    _, grid = heatmap_grid(LIM, 80)
    return {"fig": fig, "image": surface["image"], "boundary": boundary, "loss": line,
            "note": curves["note"], "title": title, "X": X, "y": y, "grid": grid, "cache": {}}


def _contour_segments(values, lim, level=0.5):
    """The level set of an (n, n) image on [-lim, lim]^2 as one polyline with NaN breaks.

    Uses matplotlib's contour generator without creating artists, so the result can be set on
    an existing animated Line2D.
    """
    n = values.shape[0]
    centres = -lim + (np.arange(n) + 0.5) * 2 * lim / n
    lines = contour_generator(centres, centres, values).lines(level)
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
    if history.diverged_at is not None:
        return f"diverged at epoch {history.diverged_at}"
    return None


def make_linear_depth_explorer(X=None, y=None, *, mode=None):
    """Depth 1..6 x {linear, tanh} on XOR: 12 combinations, each trained once and cached.

    X (N, 2), y (N,): the data (default: ``xor_data()``).
    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer. Chapter 2.
    """
    if X is None and y is None:
        X, y = xor_data()
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X),):
        raise ValueError(f"X must have shape (N, 2) and y shape (N,), got {X.shape} and {y.shape}")
    controls = [slider("depth", DEPTHS, value=3, description="layers"),
                choice("activation", ACTIVATIONS, value="linear", buttons=True,
                       description="hidden")]
    return Explorer(controls, lambda: setup_depth(X, y), update_depth, mode=mode, trains=True)
