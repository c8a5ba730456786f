"""Universal approximation, built by hand: pairs of steep sigmoids make bumps that trace a curve.

In the spirit of Michael Nielsen's visual proof (Neural Networks and Deep Learning, ch. 4).
Nothing is trained: the weights are *constructed*. A hidden sigmoid unit with a large weight s
and bias -s e is almost a step at x = e; a pair of such steps, one added and one subtracted,
is a bump; K bumps whose heights are the target's values at the bin centres form a staircase
that follows the target. NumPy only: the explorer ``mml4_lib.explorers.universal`` draws it.
Introduced in chapter 3 (Neurons and networks).
"""

import numpy as np

from mml4_lib.activations import sigmoid

__all__ = ["X", "nielsen_target", "target_values", "bump_network", "network_output",
           "bump_outputs", "approximation_error"]


X = np.linspace(0.0, 1.0, 1001)  # where the curves are drawn and the error is measured


def nielsen_target(x):
    """Nielsen's wiggly target (his chapter 4): f(x) = 0.2 + 0.4 x^2 + 0.3 x sin 15x + 0.05 cos 50x.

    x: (N,) -> (N,).
    """
    x = np.asarray(x, dtype=float)
    return 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)


def _check_count(n_hidden):
    if (not isinstance(n_hidden, (int, np.integer)) or isinstance(n_hidden, bool)
            or n_hidden < 2 or n_hidden % 2):
        raise ValueError(f"n_hidden must be an even integer >= 2 (the units come in pairs, "
                         f"one pair per bump), got {n_hidden!r}")


def target_values(target, x):
    """target(x) as a float array of x's shape, or an error naming what target returned.

    target: callable mapping x (N,) to (N,); x: (N,) -> (N,) float64.
    """
    if not callable(target):
        raise TypeError(f"target must be a function of x, got {type(target).__name__}")
    try:
        values = np.asarray(target(x), dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"target must return numbers, one per input; converting its result "
                         f"failed: {exc}") from None
    if values.shape != x.shape:
        raise ValueError(f"target must return one value per input: expected shape {x.shape}, "
                         f"got {values.shape}")
    return values


def bump_network(target, n_hidden, steepness, *, lo=0.0, hi=1.0):
    """Weights of a 1-H-1 network F(x) = sum_j v_j sigma(s x - s e_j) that approximates target.

    Split [lo, hi] into K = H / 2 equal bins with centres c_k and heights h_k = target(c_k).
    Bump k = h_k [sigma(s (x - e_k)) - sigma(s (x - e_{k+1}))] uses two hidden units:
    unit 2k with W1 = s, b1 = -s e_k, W2 = +h_k, and unit 2k+1 with W1 = s, b1 = -s e_{k+1},
    W2 = -h_k. The outermost edges are moved one bin width outside [lo, hi], so that the
    staircase does not drop to half height at the ends of the interval.

    Args:
        target: callable mapping x (N,) to (N,).
        n_hidden: H, an even number of hidden units (>= 2).
        steepness: s > 0, the input weight of every hidden unit.
        lo, hi: the interval.

    Returns:
        dict in the library's layout (a layer computes x @ W + b): "W1" (1, H), "b1" (H,),
        "W2" (H, 1), "b2" (1,) (zero), and "edges" (K + 1,), "centres" (K,), "heights" (K,).

    Introduced in chapter 3.
    """
    _check_count(n_hidden)
    if not isinstance(steepness, (int, float, np.integer, np.floating)) or not steepness > 0:
        raise ValueError(f"steepness must be a positive number, got {steepness!r}")
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi, got lo={lo!r}, hi={hi!r}")
    K = n_hidden // 2
    width = (hi - lo) / K
    edges = lo + width * np.arange(K + 1)
    centres = edges[:-1] + width / 2
    heights = target_values(target, centres)  # h_k = f(c_k)
    placed = edges.copy()
    placed[0], placed[-1] = lo - width, hi + width  # keep the ends at full height
    left, right = placed[:-1], placed[1:]
    # interleave: unit 2k steps up at left[k], unit 2k+1 at right[k]
    positions = np.column_stack([left, right]).ravel()
    out_weights = np.column_stack([heights, -heights]).ravel()
    return {
        "W1": np.full((1, n_hidden), float(steepness)),
        "b1": -float(steepness) * positions,
        "W2": out_weights.reshape(n_hidden, 1),
        "b2": np.zeros(1),
        "edges": edges, "centres": centres, "heights": heights,
    }


def network_output(params, x):
    """The network's output: sigma(x W1 + b1) W2 + b2, for a column of scalar inputs.

    params: dict from ``bump_network``; x: (N,) -> (N,).
    """
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    hidden = sigmoid(x @ params["W1"] + params["b1"])  # (N, H)
    return (hidden @ params["W2"] + params["b2"]).ravel()


def bump_outputs(params, x):
    """Each pair's contribution separately: (K, N), row k is bump k; rows sum to the output.

    params: dict from ``bump_network``; x: (N,).
    """
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    hidden = sigmoid(x @ params["W1"] + params["b1"]) * params["W2"].ravel()  # (N, H)
    return hidden.reshape(len(x), -1, 2).sum(axis=2).T


def approximation_error(target, params, x=X):
    """How far the network is from the target on the grid x: max |F - f| and RMS.

    target: callable; params: dict from ``bump_network``; x: (N,) grid.
    Returns dict with "max", "rms" (floats) and "error" ((N,), F(x) - f(x)).
    """
    x = np.asarray(x, dtype=float)
    error = network_output(params, x) - target_values(target, x)
    return {"max": float(np.max(np.abs(error))), "rms": float(np.sqrt(np.mean(error**2))),
            "error": error}


