"""Toy data sets: the TensorFlow Playground generators, digits, splits and input features.

The six generators reproduce playground.tensorflow.org (src/dataset.ts) exactly, with two
changes of form: labels are {0, 1} instead of -1/+1 for classification (the Playground's
positive class -> 1), and all randomness comes from `rng`. `noise` is the Playground's
slider value / 100, in [0, 0.5]. Points come in generation order; `train_test_split` shuffles.

For one `rng` seed the random draws do not depend on `noise`, so moving the noise slider
keeps the points of circle, xor, plane and multi_gauss in place and only changes labels.

Introduced in chapter 6 (the playground); `load_digits` in the multi-class chapters.
"""

import numbers

import numpy as np

FEATURE_NAMES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


def _check_args(n_samples, noise, rng):
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}")
    if n_samples <= 0:
        raise ValueError(f"n_samples must be positive, got {n_samples}")
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real):
        raise TypeError(f"noise must be a number in [0, 0.5], got {type(noise).__name__}")
    if not 0.0 <= noise <= 0.5:  # also rejects NaN
        raise ValueError(f"noise must be in [0, 0.5] (the Playground's slider / 100), got {noise}")
    _check_rng(rng)


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a np.random.Generator (np.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )


def make_circle(n_samples, noise, *, rng):
    """A disc of radius 2.5 (class 1) inside a ring 3.5 <= r < 5 (class 0).

    Radius R = 5. The first n // 2 points: r ~ U(0, R/2); the rest: r ~ U(0.7 R, R);
    angle ~ U(0, 2 pi); point = (r sin(angle), r cos(angle)). Noise does not move the
    stored point: label = 1 if ||point + (nx, ny)|| < R/2 else 0, nx, ny ~ U(-R, R) * noise.

    Args: n_samples int > 0; noise in [0, 0.5]; rng a np.random.Generator.
    Returns: X (N, 2) float64, y (N,) int64 in {0, 1}. First class: the disc, n // 2 points.
    Chapter 6.
    """
    _check_args(n_samples, noise, rng)
    radius = 5.0
    n_inner = n_samples // 2
    r = np.concatenate([
        rng.uniform(0.0, radius * 0.5, n_inner),
        rng.uniform(radius * 0.7, radius, n_samples - n_inner),
    ])
    angle = rng.uniform(0.0, 2 * np.pi, n_samples)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    # The label is computed on a perturbed copy, so noise flips labels near the boundary.
    shifted = X + rng.uniform(-radius, radius, (n_samples, 2)) * noise
    y = (np.hypot(shifted[:, 0], shifted[:, 1]) < radius * 0.5).astype(np.int64)
    return X, y


def make_xor(n_samples, noise, *, rng):
    """Four quadrants: class 1 where x * y >= 0, class 0 where the signs differ.

    x, y ~ U(-5, 5), each pushed 0.3 away from 0 (so 0.3 <= |x|, |y| <= 5.3).
    Label computed on the perturbed point (x + nx, y + ny), nx, ny ~ U(-5, 5) * noise; the
    stored point is the unperturbed one.

    Args: n_samples int > 0; noise in [0, 0.5]; rng a np.random.Generator.
    Returns: X (N, 2) float64, y (N,) int64 in {0, 1}. All points are drawn alike: there is no
    "first class" and the class sizes are random.
    Chapter 6.
    """
    _check_args(n_samples, noise, rng)
    X = rng.uniform(-5.0, 5.0, (n_samples, 2))
    X += np.where(X > 0, 0.3, -0.3)  # the Playground's padding: x == 0 goes to -0.3
    shifted = X + rng.uniform(-5.0, 5.0, (n_samples, 2)) * noise
    y = (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int64)
    return X, y


def make_gauss(n_samples, noise, *, rng):
    """Two Gaussian blobs: class 1 around (2, 2), class 0 around (-2, -2).

    Each coordinate ~ N(centre, variance), variance = 0.5 + 7 * noise (the linear map of
    noise [0, 0.5] -> variance [0.5, 4]; this is a variance, not a standard deviation).

    Args: n_samples int > 0; noise in [0, 0.5]; rng a np.random.Generator.
    Returns: X (N, 2) float64, y (N,) int64 in {0, 1}. First class: the (2, 2) blob, label 1,
    n // 2 points.
    Chapter 6.
    """
    _check_args(n_samples, noise, rng)
    variance = 0.5 + (4.0 - 0.5) * noise / 0.5
    counts = [n_samples // 2, n_samples - n_samples // 2]
    centres = np.repeat([[2.0, 2.0], [-2.0, -2.0]], counts, axis=0)
    X = centres + np.sqrt(variance) * rng.standard_normal((n_samples, 2))
    y = np.repeat(np.array([1, 0], dtype=np.int64), counts)
    return X, y


def make_spiral(n_samples, noise, *, rng):
    """Two interleaved spiral arms: class 1 (delta = 0) and class 0 (delta = pi).

    For i = 0, 1, ... along each arm: r = 5 i / (n/2), t = 1.75 * 2 pi * i / (n/2) + delta,
    point = (r sin t + U(-1, 1) * noise, r cos t + U(-1, 1) * noise). Unlike the other
    generators, the stored point is the noisy one; labels never change.

    Args: n_samples int > 0; noise in [0, 0.5]; rng a np.random.Generator.
    Returns: X (N, 2) float64, y (N,) int64 in {0, 1}. First class: the delta = 0 arm, label 1,
    n // 2 points.
    Chapter 6.
    """
    _check_args(n_samples, noise, rng)
    counts = [n_samples // 2, n_samples - n_samples // 2]
    i = np.concatenate([np.arange(counts[0]), np.arange(counts[1])])
    delta = np.repeat([0.0, np.pi], counts)
    half = n_samples / 2  # float, as in the Playground: with odd n both arms stay inside r < 5
    r = 5.0 * i / half
    t = 1.75 * 2 * np.pi * i / half + delta
    X = np.column_stack([r * np.sin(t), r * np.cos(t)])
    X += rng.uniform(-1.0, 1.0, (n_samples, 2)) * noise
    y = np.repeat(np.array([1, 0], dtype=np.int64), counts)
    return X, y


def make_plane(n_samples, noise, *, rng):
    """Regression on a tilted plane: label = (x' + y') / 10.

    x, y ~ U(-6, 6); x' = x + U(-6, 6) * noise, y' likewise; the stored point is (x, y).
    The label is not clamped (the Playground maps a sum of -10 ... 10 to -1 ... 1).

    Args: n_samples int > 0; noise in [0, 0.5]; rng a np.random.Generator.
    Returns: X (N, 2) float64, y (N,) float64.
    Chapter 6.
    """
    _check_args(n_samples, noise, rng)
    X = rng.uniform(-6.0, 6.0, (n_samples, 2))
    shifted = X + rng.uniform(-6.0, 6.0, (n_samples, 2)) * noise
    y = shifted.sum(axis=1) / 10.0
    return X, y


# (centre x, centre y, sign) of the six bumps of the Playground's "multi gauss" data set.
_BUMPS = np.array([
    [-4.0, 2.5, 1.0], [0.0, 2.5, -1.0], [4.0, 2.5, 1.0],
    [-4.0, -2.5, -1.0], [0.0, -2.5, 1.0], [4.0, -2.5, -1.0],
])


def make_multi_gauss(n_samples, noise, *, rng):
    """Regression on six signed bumps: label = the bump value largest in absolute value.

    x, y ~ U(-6, 6); p = (x + U(-6, 6) * noise, y + U(-6, 6) * noise); bump k has value
    sign_k * clip(1 - ||p - c_k|| / 2, 0, 1); the label is the value with the largest |.|
    (0 far from every bump). The stored point is the unperturbed (x, y).

    Args: n_samples int > 0; noise in [0, 0.5]; rng a np.random.Generator.
    Returns: X (N, 2) float64, y (N,) float64 in [-1, 1].
    Chapter 6.
    """
    _check_args(n_samples, noise, rng)
    X = rng.uniform(-6.0, 6.0, (n_samples, 2))
    shifted = X + rng.uniform(-6.0, 6.0, (n_samples, 2)) * noise
    dist = np.linalg.norm(shifted[:, None, :] - _BUMPS[None, :, :2], axis=2)  # (N, 6)
    values = _BUMPS[:, 2] * np.clip(1.0 - dist / 2.0, 0.0, 1.0)
    # argmax takes the first of equal maxima, as the Playground's strict ">" loop does.
    y = values[np.arange(n_samples), np.argmax(np.abs(values), axis=1)]
    return X, y


DATASETS = {
    "circle": make_circle,
    "xor": make_xor,
    "gauss": make_gauss,
    "spiral": make_spiral,
    "plane": make_plane,
    "multi_gauss": make_multi_gauss,
}
CLASSIFICATION_DATASETS = ("circle", "xor", "gauss", "spiral")
REGRESSION_DATASETS = ("plane", "multi_gauss")


def make_dataset(name, n_samples, noise, *, rng):
    """Call the generator called `name` (one of DATASETS) with (n_samples, noise, rng=rng).

    Returns: X (N, 2) float64, y (N,). Chapter 6.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, one of {sorted(DATASETS)}, got {type(name).__name__}")
    if name not in DATASETS:
        raise ValueError(f"name must be one of {sorted(DATASETS)}, got {name!r}")
    return DATASETS[name](n_samples, noise, rng=rng)


def train_test_split(X, y, test_ratio, *, rng):
    """Shuffle the rows of (X, y) and split off a test part.

    N_test = round(test_ratio * N), kept within [1, N - 1] so neither part is empty;
    the Playground's "ratio of training to test data" r is test_ratio = 1 - r.

    Args: X (N, D); y (N,) or (N, ...); test_ratio in (0, 1); rng a np.random.Generator.
    Returns: X_train (N - N_test, D), X_test (N_test, D), y_train, y_test (copies).
    Chapter 6.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D with shape (N, D), got shape {X.shape}")
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have N = {X.shape[0]} rows like X, got shape {y.shape}")
    if X.shape[0] < 2:
        raise ValueError(f"X must have at least 2 rows to split, got {X.shape[0]}")
    if isinstance(test_ratio, bool) or not isinstance(test_ratio, numbers.Real):
        raise TypeError(f"test_ratio must be a number in (0, 1), got {type(test_ratio).__name__}")
    if not 0.0 < test_ratio < 1.0:
        raise ValueError(f"test_ratio must be in (0, 1), got {test_ratio}")
    _check_rng(rng)
    n = X.shape[0]
    n_test = min(max(round(test_ratio * n), 1), n - 1)
    perm = rng.permutation(n)
    train, test = perm[: n - n_test], perm[n - n_test :]
    return X[train], X[test], y[train], y[test]


def load_digits():
    """scikit-learn's bundled 8x8 handwritten digits, pixels scaled to [0, 1].

    X = pixels / 16 (the raw values are 0 ... 16). Needs scikit-learn (its copy ships with the
    package: nothing is downloaded), imported here so the core works without it.

    Returns: X (1797, 64) float64 in [0, 1], y (1797,) int64 in {0, ..., 9}.
    Chapter on multi-class classification (softmax).
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError as err:
        raise ImportError("load_digits needs scikit-learn: pip install scikit-learn") from err
    digits = sklearn_load_digits()
    return digits.data.astype(np.float64) / 16.0, digits.target.astype(np.int64)


_FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1**2,
    "x2^2": lambda x1, x2: x2**2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def polynomial_features(X, names):
    """The Playground's input features of a 2-D point, as columns in the order of `names`.

    Available (FEATURE_NAMES): x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2).

    Args: X (N, 2); names a list or tuple of F >= 1 names from FEATURE_NAMES.
    Returns: (N, F) float64.
    Chapter 6.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2), got shape {X.shape}")
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise TypeError(f"names must be a list or tuple of feature names, got {names!r}")
    if len(names) == 0:
        raise ValueError(f"names must hold at least one of {list(FEATURE_NAMES)}, got []")
    unknown = [name for name in names if name not in _FEATURES]
    if unknown:
        raise ValueError(f"names must come from {list(FEATURE_NAMES)}, got unknown {unknown}")
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([_FEATURES[name](x1, x2) for name in names])


def make_grid(lim=6.0, n=100):
    """The centres of an n x n grid of cells tiling [low, high]^2: where heat maps are evaluated.

    lim: a number L for [-L, L]^2, or a pair (low, high). xs[j] = low + (j + 1/2) (high - low)/n
    (the pixel centres of `imshow` with that extent); grid[i * n + j] = (xs[j], ys[i]), so
    `f(grid).reshape(n, n)` has rows along y (x2) and goes straight into
    `imshow(..., origin="lower", extent=(low, high, low, high))`.
    The Playground's view is lim = 6, n = 100. This is the one evaluation grid of the course:
    heat maps, decision boundaries and the explorers all use it.

    Args: lim > 0 or (low, high) finite with low < high; n int >= 2.
    Returns: grid (n * n, 2) float64, xs (n,), ys (n,) (equal: the grid is square).
    Chapter 1 (decision boundaries); chapter 6 (the playground).
    """
    if isinstance(lim, bool) or not (isinstance(lim, numbers.Real) or np.shape(lim) == (2,)):
        raise TypeError(f"lim must be a positive number or a pair (low, high), got {lim!r}")
    if isinstance(lim, numbers.Real):
        if not 0.0 < lim < np.inf:
            raise ValueError(f"lim must be positive and finite, got {lim}")
        lo, hi = -float(lim), float(lim)
    else:
        lo, hi = (float(v) for v in lim)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"lim must be a pair (low, high) of finite numbers with low < high, "
                             f"got {lim!r}")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be an int >= 2, got {type(n).__name__}")
    if n < 2:
        raise ValueError(f"n must be >= 2, got {n}")
    xs = lo + (np.arange(n) + 0.5) * ((hi - lo) / n)
    ys = xs.copy()
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()]), xs, ys
