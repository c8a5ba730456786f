"""Depth without a nonlinearity buys nothing: deep linear networks vs. tanh networks on XOR.

However deep, a purely linear network computes one affine function x W + b with
W = W_1 W_2 ... W_L (``collapse``), so its decision boundary is one straight line and it cannot
solve XOR; with tanh two layers are already enough (``train_depth``). NumPy only: the explorer
``mml4_lib.explorers.linear_depth`` draws it. Introduced in chapter 2 (Composing linear models).
"""

import numpy as np

from mml4_lib.activations import ACTIVATIONS, Identity
from mml4_lib.data import make_xor
from mml4_lib.layers import Linear, make_mlp
from mml4_lib.losses import BCEWithLogitsLoss
from mml4_lib.optim import Adam
from mml4_lib.train import fit

__all__ = ["WIDTH", "EPOCHS", "LR", "dataset", "train_depth", "collapse", "affine_residual"]


WIDTH = 8  # hidden units per layer
EPOCHS = 200  # full-batch Adam steps; enough for tanh to solve XOR at every depth here
LR = 0.03


def dataset(n_samples=200, *, seed=0):
    """The XOR data set of chapter 2: make_xor(n_samples, 0) with rng seed `seed`.

    Returns X (N, 2) float64, y (N,) int in {0, 1}.
    """
    return make_xor(n_samples, 0.0, rng=np.random.default_rng(seed))


def train_depth(X, y, depth, activation, *, width=WIDTH, epochs=EPOCHS, lr=LR, seed=0,
                dtype=np.float32):
    """Train a `depth`-layer network with logistic output on (X, y) by full-batch Adam.

    depth: number of Linear layers (1 = logistic regression); activation: one of
    ``mml4_lib.activations.ACTIVATIONS`` ("linear" or "tanh" in the chapter), applied after
    every hidden layer. Layer sizes [2, width, ..., width, 1].
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


