"""Logistic regression in 2-D: the probability surface p(x) = sigma(w1 x1 + w2 x2 + b) over data.

The weight vector w sets the direction of the boundary (it is perpendicular to w) and, by its
length, how steeply p rises across it; the bias b moves the boundary along w. The figure shows
the surface with the contours p = 0.1, 0.5, 0.9 and the data on the left, and on the right the
same model seen along w: every example at its score z = w^T x + b against the curve sigma(z).
The title gives the log-loss of these weights and the best log-loss reachable on the data.

Three layers: ``mml4_lib.lab.logreg`` computes (``logreg_scores``, ``fit_logreg``,
``level_lines``), ``setup_logreg``/``update_logreg`` draw, ``make_logreg_explorer`` wires the
controls. Introduced in chapter 1 (Logistic regression, revisited).
"""

import numpy as np

from mml4_lib.activations import sigmoid
from mml4_lib.data import make_grid
from mml4_lib.lab.logreg import LEVELS, check_data, dataset, fit_logreg, level_lines, logreg_scores
from mml4_lib.plotting import PLAYGROUND_BLUE, PLAYGROUND_ORANGE, plot_decision_boundary
from mml4_lib.plotting.render import new_figure
from mml4_lib.widgets import Explorer, choice, slider

__all__ = ["W_VALUES", "B_VALUES", "LIM", "Z_LIM", "setup_logreg", "update_logreg",
           "make_logreg_explorer"]


W_VALUES = (-1.0, 0.0, 0.5, 1.0, 2.0)
B_VALUES = (0.0, 3.0)  # few frames: each adds ~15 kB to the static page
LIM = 6.0  # the plane [-6, 6]^2, as in TensorFlow Playground
Z_LIM = 16.0  # range of the score axis on the right


def setup_logreg(X, y, best_loss):
    """Build the figure once: surface + contours + data + w arrow (left), sigma(z) + scores (right).

    X (N, 2), y (N,): the data; best_loss: the smallest reachable log-loss, shown in the title.
    Chapter 1.
    """
    X, y = check_data(X, y)
    fig = new_figure(7.6, 3.6)
    ax = fig.add_axes((0.06, 0.12, 0.42, 0.74))
    ax_z = fig.add_axes((0.57, 0.12, 0.41, 0.74))
    surface = plot_decision_boundary(ax, lambda P: np.full(len(P), 0.5), X, y, lim=LIM, n=90,
                                     levels=())
    lines = [ax.plot([], [], color="k", linewidth=1.6 if level == 0.5 else 0.8,
                     linestyle="-" if level == 0.5 else "--", zorder=4)[0] for level in LEVELS]
    ax.set_xlim(-LIM, LIM)
    ax.set_ylim(-LIM, LIM)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$", labelpad=0)
    ax.set_aspect("equal")
    arrow = ax.quiver([0.0], [0.0], [1.0], [0.0], angles="xy", scale_units="xy", scale=1,
                      color="k", width=0.012, zorder=5)
    arrow_label = ax.text(0.0, 0.0, "w", fontsize=11, fontweight="bold", zorder=5)

    z = np.linspace(-Z_LIM, Z_LIM, 321)
    ax_z.plot(z, sigmoid(z), color="k", linewidth=1.5, label=r"$\sigma(z)$")
    ax_z.axvline(0.0, color="0.6", linewidth=0.8, linestyle=":")
    # The labels are 0/1; a fixed small jitter keeps coinciding points visible.
    jitter = np.random.default_rng(1).uniform(-0.04, 0.04, len(y))
    colours = np.where(y == 1, PLAYGROUND_BLUE, PLAYGROUND_ORANGE)
    points = ax_z.scatter(np.zeros(len(y)), y + jitter, c=colours, s=12, alpha=0.7,
                          edgecolors="none", zorder=3)
    ax_z.set_xlim(-Z_LIM, Z_LIM)
    ax_z.set_ylim(-0.12, 1.12)
    ax_z.set_xlabel(r"score $z = w^T x + b$")
    ax_z.set_ylabel("label / probability", labelpad=0)
    ax_z.legend(loc="center right", fontsize=9)
    title = fig.suptitle("", fontsize=10, y=0.975)
    # Everything that update changes is redrawn over a cached picture of the rest (fast).
    for artist in (surface["image"], *surface["points"], *lines, arrow, arrow_label, points,
                   title):
        artist.set_animated(True)
    return {"fig": fig, "ax": ax, "image": surface["image"], "lines": lines, "arrow": arrow,
            "arrow_label": arrow_label, "points": points, "title": title, "X": X, "y": y,
            "best_loss": float(best_loss)}


def update_logreg(state, w1, w2, b):
    """Redraw for weights (w1, w2) and bias b: surface, contours, w arrow, scores, title.

    Chapter 1.
    """
    X, y = state["X"], state["y"]
    w = np.array([w1, w2], dtype=float)
    image = state["image"]
    grid, _, _ = make_grid(LIM, image.get_array().shape[0])
    image.set_data(sigmoid(grid @ w + b).reshape(image.get_array().shape))
    norm = float(np.hypot(w1, w2))
    for line, ends in zip(state["lines"], level_lines(w, b, half_length=4 * LIM) if norm > 0 else
                          [np.full((2, 2), np.nan)] * len(LEVELS), strict=True):
        line.set_data(ends[:, 0], ends[:, 1])  # w = 0: p = sigma(b) everywhere, no contour
    start = -b * w / norm**2 if norm > 0 else np.zeros(2)  # boundary point closest to 0
    visible = norm > 0 and bool(np.all(np.abs(start) < LIM))
    if visible:
        tip = 2.0 * w / norm  # drawn 2 units long: its direction, not its length, is the point
        state["arrow"].set_offsets(start)
        state["arrow"].set_UVC(tip[0], tip[1])
        state["arrow_label"].set_position(start + 1.15 * tip)
    state["arrow"].set_visible(visible)
    state["arrow_label"].set_visible(visible)
    z = np.clip(X @ w + b, -Z_LIM, Z_LIM)  # clipped only for display
    offsets = state["points"].get_offsets()
    offsets[:, 0] = z
    state["points"].set_offsets(offsets)
    loss, acc = logreg_scores(X, y, w, b)
    state["title"].set_text(f"w = ({w1:g}, {w2:g}), b = {b:g}:  log-loss {loss:.3f} "
                            f"(best possible {state['best_loss']:.3f}),  accuracy {acc:.0%}")
    if norm > 0:
        where = (f"the boundary p = 0.5 is the line {w1:g} x1 + {w2:g} x2 + {b:g} = 0, "
                 f"perpendicular to w, at distance {abs(b) / norm:.2f} from the origin")
    else:
        where = f"w = 0: p = sigma(b) = {1 / (1 + np.exp(-b)):.2f} everywhere, no boundary"
    state["description"] = (f"Logistic regression with w = ({w1:g}, {w2:g}), b = {b:g}: "
                            f"{where}; log-loss {loss:.3f} against the best "
                            f"{state['best_loss']:.3f}, accuracy {acc:.0%}.")


def make_logreg_explorer(X=None, y=None, *, mode=None):
    """Sliders for w1, w2 and b over the 2-D probability surface: 5 x 5 x 2 = 50 static frames.

    X (N, 2), y (N,): the data (default: ``mml4_lib.lab.logreg.dataset()``, the chapter's blobs).
    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer. Chapter 1.
    """
    if X is None and y is None:
        X, y = dataset()
    X, y = check_data(X, y)
    w_best, b_best = fit_logreg(X, y)
    best_loss = logreg_scores(X, y, w_best, b_best)[0]
    controls = [slider("w1", W_VALUES, value=1.0, description="w1"),
                slider("w2", W_VALUES, value=0.0, description="w2"),
                choice("b", B_VALUES, value=0.0, buttons=True, description="b")]
    return Explorer(controls, lambda: setup_logreg(X, y, best_loss), update_logreg, mode=mode)
