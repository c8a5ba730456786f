"""Gradient descent on one sigmoid neuron: loss, gradient, the loss surface and the path.

The model is p = sigma(w x + b) on 1-D inputs with the squared loss; its two parameters
(w, b) make the loss a surface. Gradient descent walks downhill on it,
w <- w - lr dQ/dw, b <- b - lr dQ/db. The surface has flat plateaus where the neuron is
saturated (sigma' ~ 0): small steps crawl there, too-large steps overshoot. NumPy only: the
explorer ``mml4_lib.explorers.gd_neuron`` draws it. Introduced in chapter 4 (Training:
gradients and the chain rule).
"""

import numpy as np

from mml4_lib.activations import sigmoid
from mml4_lib.base import check_generator

__all__ = ["START", "W_LIM", "B_LIM", "PLATEAU_GRAD", "PLATEAU_LOSS", "make_data", "dataset",
           "check_xy", "loss_and_grad", "loss_surface", "gd_path", "on_plateau"]


START = (-4.0, 3.0)   # on a plateau: the neuron starts out confidently wrong
W_LIM = (-8.0, 16.0)  # the plotted region of the (w, b) plane
B_LIM = (-8.0, 12.0)
PLATEAU_GRAD, PLATEAU_LOSS = 0.025, 0.3  # a tiny gradient far above the minimum (~0.1)


def make_data(n_per_class=20, *, rng):
    """Two overlapping classes on a line: x ~ N(-0.7, 1) with y = 0 and x ~ N(0.7, 1) with y = 1.

    n_per_class: examples per class; rng: a numpy Generator.
    Returns x (N,) and y (N,) with N = 2 n_per_class, class 0 first.
    """
    check_generator(rng, "make_data")
    if not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive integer, got {n_per_class!r}")
    x = np.concatenate([rng.normal(-0.7, 1.0, n_per_class), rng.normal(0.7, 1.0, n_per_class)])
    y = np.repeat([0.0, 1.0], n_per_class)
    return x, y


def dataset():
    """The chapter's data set: ``make_data(20, rng=np.random.default_rng(0))``."""
    return make_data(20, rng=np.random.default_rng(0))


def check_xy(x, y):
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
    x, y = check_xy(x, y)
    p = sigmoid(w * x + b)
    r = -2.0 * (y - p) * p * (1.0 - p)
    return float(np.mean((y - p) ** 2)), float(np.mean(r * x)), float(np.mean(r))


def loss_surface(x, y, ws, bs):
    """Q(w, b) on a grid: ws (A,), bs (B,) -> (B, A), row i for bs[i] (the contour layout)."""
    x, y = check_xy(x, y)
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
    x, y = check_xy(x, y)
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




def on_plateau(run, step):
    """Whether the run sits on a plateau at `step`: a tiny gradient far above the minimum.

    run: dict from ``gd_path``; step: index into it. True when |grad Q| < PLATEAU_GRAD and
    Q > PLATEAU_LOSS (the minimum of the chapter's data is about 0.1).
    """
    return bool(run["grad_norm"][step] < PLATEAU_GRAD and run["loss"][step] > PLATEAU_LOSS)
