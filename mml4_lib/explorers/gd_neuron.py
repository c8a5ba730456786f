"""Gradient descent on one sigmoid neuron: the path over the loss surface and the loss curve.

The model is p = sigma(w x + b) on 1-D inputs with the squared loss; its two parameters
(w, b) make the loss a surface we can draw as contours. Gradient descent walks downhill on it,
w <- w - lr dQ/dw, b <- b - lr dQ/db. The surface has flat plateaus where the neuron is
saturated (sigma' ~ 0): small steps crawl there, too-large steps overshoot.

Three layers: ``make_data``/``loss_and_grad``/``loss_surface``/``gd_path`` compute,
``setup_gd``/``update_gd`` draw, ``make_gd_neuron_explorer`` wires the controls.
Introduced in chapter 4 (Training: gradients and the chain rule).
"""

import numpy as np

from mml4_lib.activations import sigmoid
from mml4_lib.explorers._background import freeze_static
from mml4_lib.widgets import Explorer, new_figure, play, slider

__all__ = ["make_data", "default_data", "loss_and_grad", "loss_surface", "gd_path",
           "setup_gd", "update_gd", "make_gd_neuron_explorer", "LR_VALUES", "STEP_VALUES",
           "START", "W_LIM", "B_LIM"]

LR_VALUES = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
STEP_VALUES = (0, 1, 2, 3, 5, 10, 20, 50, 100, 200)
START = (-4.0, 3.0)   # on a plateau: the neuron starts out confidently wrong
W_LIM = (-8.0, 16.0)  # the plotted region of the (w, b) plane
B_LIM = (-8.0, 12.0)
PLATEAU_GRAD, PLATEAU_LOSS = 0.025, 0.3  # a tiny gradient far above the minimum (~0.1)


def make_data(n_per_class=20, *, rng):
    """Two overlapping classes on a line: x ~ N(-0.7, 1) with y = 0 and x ~ N(0.7, 1) with y = 1.

    n_per_class: examples per class; rng: a numpy Generator.
    Returns x (N,) and y (N,) with N = 2 n_per_class, class 0 first.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive integer, got {n_per_class!r}")
    x = np.concatenate([rng.normal(-0.7, 1.0, n_per_class), rng.normal(0.7, 1.0, n_per_class)])
    y = np.repeat([0.0, 1.0], n_per_class)
    return x, y


def default_data():
    """The explorer's data set: ``make_data(20, rng=np.random.default_rng(0))``."""
    return make_data(20, rng=np.random.default_rng(0))


def _check_xy(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or x.size == 0:
        raise ValueError(f"x and y must be 1-D arrays of the same length N > 0, "
                         f"got shapes {x.shape} and {y.shape}")
    return x, y


def loss_and_grad(w, b, x, y):
    """Mean squared loss of p = sigma(w x + b) and its gradient, by the chain rule.

    Q = (1/N) sum_i (y_i - p_i)^2; with r_i = -2 (y_i - p_i) p_i (1 - p_i) = dL_i/dz_i,
    dQ/dw = (1/N) sum_i r_i x_i and dQ/db = (1/N) sum_i r_i.
    w, b: scalars; x, y: (N,). Returns (Q, dQ/dw, dQ/db) as floats.
    (The mean, not the lecture's sum, so that a learning rate means the same for any N.)
    """
    x, y = _check_xy(x, y)
    p = sigmoid(w * x + b)
    r = -2.0 * (y - p) * p * (1.0 - p)
    return float(np.mean((y - p) ** 2)), float(np.mean(r * x)), float(np.mean(r))


def loss_surface(x, y, ws, bs):
    """Q(w, b) on a grid: ws (A,), bs (B,) -> (B, A), row i for bs[i] (the contour layout)."""
    x, y = _check_xy(x, y)
    ws = np.asarray(ws, dtype=float)
    bs = np.asarray(bs, dtype=float)
    # (B, A, N): every grid point against every example at once; small for plotting grids
    p = sigmoid(ws[None, :, None] * x[None, None, :] + bs[:, None, None])
    return np.mean((y - p) ** 2, axis=2)


def gd_path(x, y, lr, n_steps, start=START):
    """Run n_steps of gradient descent from start and record where it went.

    x, y: (N,); lr > 0; n_steps >= 0; start: (w, b).
    Returns dict with "path" (n_steps + 1, 2) of (w, b), "loss" (n_steps + 1,), "grad_norm"
    (n_steps + 1,), the length of (dQ/dw, dQ/db) at each point, and the
    first step (or None) at which "diverged" (a non-finite value: the run stops there),
    "rose" (the loss went up: the step overshoots) and "left" (the path left the plotted
    region W_LIM x B_LIM).
    """
    x, y = _check_xy(x, y)
    if not isinstance(lr, (int, float, np.integer, np.floating)) or not lr > 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    if not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
        raise ValueError(f"n_steps must be a non-negative integer, got {n_steps!r}")
    w, b = map(float, start)
    path, losses, norms = [(w, b)], [], []
    diverged = None
    for t in range(n_steps + 1):
        q, dw, db = loss_and_grad(w, b, x, y)
        losses.append(q)
        norms.append(np.hypot(dw, db))
        if t == n_steps:
            break
        w, b = w - lr * dw, b - lr * db
        if not (np.isfinite(w) and np.isfinite(b)):
            diverged = t + 1
            break
        path.append((w, b))
    path, losses = np.array(path), np.array(losses)
    rose = np.flatnonzero(np.diff(losses) > 1e-12)
    outside = np.flatnonzero((path[:, 0] < W_LIM[0]) | (path[:, 0] > W_LIM[1])
                             | (path[:, 1] < B_LIM[0]) | (path[:, 1] > B_LIM[1]))
    return {"path": path, "loss": losses, "grad_norm": np.array(norms), "diverged": diverged,
            "rose": int(rose[0]) + 1 if rose.size else None,
            "left": int(outside[0]) if outside.size else None}


def setup_gd(x=None, y=None):
    """Build the figure once: loss contours with the path (left), the loss curve (right)."""
    if x is None or y is None:
        x, y = default_data()
    x, y = _check_xy(x, y)
    fig = new_figure(7.6, 3.4)
    ax = fig.add_axes((0.1, 0.14, 0.4, 0.74))
    ax_loss = fig.add_axes((0.61, 0.14, 0.36, 0.74))
    ws = np.linspace(*W_LIM, 121)
    bs = np.linspace(*B_LIM, 101)
    Q = loss_surface(x, y, ws, bs)
    ax.contourf(ws, bs, Q, levels=np.linspace(0, 1, 21), cmap="viridis")  # Q <= 1 always
    ax.contour(ws, bs, Q, levels=[0.12, 0.2, 0.3, 0.45], colors="white", linewidths=0.5)
    (path,) = ax.plot([], [], color="white", marker="o", markersize=3, linewidth=1.2)
    (now,) = ax.plot([], [], color="#f59322", marker="o", markersize=7, linestyle="none")
    ax.plot(*START, marker="s", color="white", markersize=5)
    best = np.unravel_index(np.argmin(Q), Q.shape)  # the grid's lowest point, for orientation
    ax.plot(ws[best[1]], bs[best[0]], marker="*", color="#f59322", markersize=11,
            markeredgecolor="white", linestyle="none")
    ax.set_xlim(*W_LIM)
    ax.set_ylim(*B_LIM)
    ax.set_xlabel("weight w")
    ax.set_ylabel("bias b")
    title = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", va="bottom",
                    fontsize=9)
    (curve,) = ax_loss.plot([], [], color="#0877bd", linewidth=1.5)
    (dot,) = ax_loss.plot([], [], color="#f59322", marker="o", linestyle="none")
    ax_loss.set_xlim(-5, STEP_VALUES[-1] + 5)
    ax_loss.set_ylim(0, 0.8)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss Q (mean squared error)")
    note = ax_loss.text(0.97, 0.95, "", transform=ax_loss.transAxes, ha="right", va="top",
                        fontsize=9, color="crimson", wrap=True)
    return {"fig": fig, "ax": ax, "ax_loss": ax_loss, "path": path, "now": now,
            "curve": curve, "dot": dot, "title": title, "note": note, "x": x, "y": y,
            "runs": {}}


def update_gd(state, lr, step):
    """Show the first `step` steps of the run with learning rate lr (runs are cached per lr)."""
    # axes, contours and labels never change: render them once into a background image
    freeze_static(state["fig"], [state[k] for k in ("path", "now", "curve", "dot", "title",
                                                    "note")])
    if lr not in state["runs"]:  # one 200-step run per lr; the step control only slices it
        state["runs"][lr] = gd_path(state["x"], state["y"], lr, STEP_VALUES[-1])
    run = state["runs"][lr]
    shown = min(step, len(run["path"]) - 1)
    path = run["path"][: shown + 1]
    loss = run["loss"][: shown + 1]
    state["path"].set_data(path[:, 0], path[:, 1])
    state["now"].set_data(path[-1:, 0], path[-1:, 1])
    state["curve"].set_data(np.arange(len(loss)), loss)
    state["dot"].set_data([shown], loss[-1:])
    w, b = path[-1]
    state["title"].set_text(f"lr = {lr:g}, step {shown}: w = {w:.2f}, b = {b:.2f}, "
                            f"Q = {loss[-1]:.3f}")
    notes = []
    if run["rose"] is not None and run["rose"] <= shown:
        notes.append(f"loss went UP at step {run['rose']}:\nthe step overshoots")
    if run["left"] is not None and run["left"] <= shown:
        notes.append(f"left the plotted region at step {run['left']}")
    if run["grad_norm"][shown] < PLATEAU_GRAD and run["loss"][shown] > PLATEAU_LOSS:
        notes.append(f"on a plateau: |grad Q| = {run['grad_norm'][shown]:.1e},\n"
                     f"the neuron is saturated (sigma' ~ 0)")
    state["note"].set_text("\n".join(notes))
    if run["diverged"] is not None and run["diverged"] <= step:
        return f"diverged at step {run['diverged']}: the parameters became inf or NaN"
    return None


def make_gd_neuron_explorer(*, mode=None, x=None, y=None):
    """Learning-rate slider and a step Play over gradient descent: 7 x 10 = 70 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS); x, y: (N,) data (default
    ``default_data()``). Returns an Explorer.
    """
    controls = [slider("lr", LR_VALUES, value=10.0, description="lr"),
                play("step", STEP_VALUES, value=0, description="step", interval=600)]
    return Explorer(controls, lambda: setup_gd(x, y), update_gd, mode=mode)
