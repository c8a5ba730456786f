"""Logistic regression in 2-D: its scores, its best weights, and its straight contours.

NumPy only: the explorer ``mml4_lib.explorers.logreg`` draws them. Introduced in chapter 1
(Logistic regression, revisited).
"""

import numpy as np

from mml4_lib.activations import sigmoid
from mml4_lib.data import make_gauss

__all__ = ["LEVELS", "dataset", "check_data", "logreg_scores", "fit_logreg", "level_lines"]


LEVELS = (0.1, 0.5, 0.9)  # contours: the boundary and the edges of the "unsure" band


def dataset():
    """The data set of chapter 1: two overlapping Gaussian blobs, make_gauss(200, 0.5), seed 0.

    Returns X (200, 2), y (200,). Chapter 1.
    """
    return make_gauss(200, 0.5, rng=np.random.default_rng(0))


def check_data(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2), got {X.shape}")
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},) to match X, got {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels 0 and 1")
    return X, y


def logreg_scores(X, y, w, b):
    """Log-loss and accuracy of the logistic regression p = sigma(X w + b).

    log-loss = mean(softplus(z) - y z) with z = X w + b (the stable form of
    -mean(y log p + (1 - y) log(1 - p))); accuracy = share of examples with (z > 0) == y.
    Shapes: X (N, 2), y (N,), w (2,), b scalar -> (loss float, accuracy float). Chapter 1.
    """
    X, y = check_data(X, y)
    w = np.asarray(w, dtype=float)
    if w.shape != (2,):
        raise ValueError(f"w must have shape (2,), got {w.shape}")
    z = X @ w + float(b)
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
    return loss, float(np.mean((z > 0) == (y == 1)))


def fit_logreg(X, y, *, lr=1.0, steps=500):
    """The minimum of the log-loss by full-batch gradient descent from w = 0, b = 0.

    Uses the gradient derived in chapter 1: dw = X^T (p - y) / N, db = mean(p - y).
    Shapes: X (N, 2), y (N,) -> (w (2,), b float). The log-loss is convex, so for data that
    one line cannot separate perfectly this converges to the unique minimum. Chapter 1.
    """
    X, y = check_data(X, y)
    w, b = np.zeros(2), 0.0
    for _ in range(steps):
        err = sigmoid(X @ w + b) - y
        w -= lr * X.T @ err / len(X)
        b -= lr * err.mean()
    return w, b


def level_lines(w, b, *, half_length, levels=LEVELS):
    """End points of the straight contours sigma(w^T x + b) = level, one (2, 2) array per level.

    The contour is the line w^T x + b = logit(level): through x0 = (logit(level) - b) w / |w|^2,
    along the direction (-w2, w1). Long enough to cross the plot; the axes clip it.
    """
    w = np.asarray(w, dtype=float)
    norm2 = float(w @ w)
    along = np.array([-w[1], w[0]]) / np.sqrt(norm2)
    ends = []
    for level in levels:
        x0 = (np.log(level / (1 - level)) - b) * w / norm2
        ends.append(np.array([x0 - half_length * along, x0 + half_length * along]))
    return ends


