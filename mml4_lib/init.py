"""Weight initializers: zeros, small noise, and the variance-preserving schemes.

Every initializer is `name(shape, *, rng, **params)` and returns a new array of that shape
(float64 unless `dtype=` says otherwise). For a weight matrix of shape (D_in, D_out),
fan_in = D_in and fan_out = D_out. Random numbers are always drawn in float64 and then cast,
so a float32 and a float64 network built from the same seed start from the same weights.
Introduced in chapter 8 (Weight initialization).
"""

import functools
import math

import numpy as np

from mml4_lib.base import (
    check_float_dtype,
    check_generator,
    check_nonnegative,
    check_positive_int,
)

__all__ = ["INITIALIZERS", "SCHEMES", "get_initializer", "he", "lecun", "normal", "scheme_std",
           "uniform", "xavier", "zeros"]

INITIALIZERS = ("zeros", "normal", "uniform", "lecun", "xavier", "he")
SCHEMES = ("lecun", "xavier", "he")  # the variance-preserving ones, with a formula for the std


def _check_shape(shape, owner):
    """Return shape as a tuple of ints >= 1 (an int n means (n,))."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if not isinstance(dims, (tuple, list)) or len(dims) == 0:
        raise TypeError(f"{owner}: shape must be a tuple of ints such as (2, 8), got {shape!r}")
    return tuple(check_positive_int(d, "every entry of shape", owner) for d in dims)


def _fans(shape, owner):
    """fan_in, fan_out of a (D_in, D_out) weight matrix."""
    shape = _check_shape(shape, owner)
    if len(shape) != 2:
        raise ValueError(
            f"{owner}: shape must be (fan_in, fan_out) = (D_in, D_out), got {shape!r}"
        )
    return shape


def scheme_std(scheme, fan_in, fan_out):
    """Standard deviation of the weights of a (fan_in, fan_out) layer under a scheme.

    lecun: 1 / sqrt(fan_in); xavier (Glorot): sqrt(2 / (fan_in + fan_out));
    he: sqrt(2 / fan_in). The initializers below draw this times N(0, 1) (times their scale).
    Args: scheme one of SCHEMES; fan_in = D_in, fan_out = D_out positive ints.
    Returns: float. Chapter 8.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme_std: scheme must be one of {SCHEMES}, got {scheme!r}")
    fan_in = check_positive_int(fan_in, "fan_in", "scheme_std")
    fan_out = check_positive_int(fan_out, "fan_out", "scheme_std")
    if scheme == "lecun":
        return 1 / math.sqrt(fan_in)
    if scheme == "xavier":
        return math.sqrt(2.0 / (fan_in + fan_out))
    return math.sqrt(2.0 / fan_in)


def _gaussian(shape, std, rng, dtype, owner):
    check_generator(rng, owner)
    dtype = check_float_dtype(dtype, owner)
    return (std * rng.standard_normal(shape)).astype(dtype, copy=False)


def zeros(shape, *, rng=None, dtype=np.float64):
    """All zeros: W = 0. Every unit of a layer then computes the same thing (chapter 8).

    shape: e.g. (D_in, D_out) -> array of that shape. rng is accepted and unused, so every
    initializer has the same signature. Introduced in chapter 8 (Weight initialization).
    """
    shape = _check_shape(shape, "zeros")
    if rng is not None:
        check_generator(rng, "zeros")
    return np.zeros(shape, dtype=check_float_dtype(dtype, "zeros"))


def normal(shape, *, rng, scale=1.0, dtype=np.float64):
    """Gaussian noise with standard deviation `scale`: W = scale * N(0, 1).

    shape: any, e.g. (D_in, D_out) -> array of that shape. The default scale=1.0 is the
    plain N(0, 1); the lecture's small noise "0.03 * N(0, 1)" is scale=0.03.
    Introduced in chapter 8 (Weight initialization).
    """
    shape = _check_shape(shape, "normal")
    scale = check_nonnegative(scale, "scale", "normal")
    return _gaussian(shape, scale, rng, dtype, "normal")


def uniform(shape, *, rng, limit=0.5, dtype=np.float64):
    """Uniform noise: W ~ U(-limit, limit), standard deviation limit / sqrt(3).

    shape: any, e.g. (D_in, D_out) -> array of that shape. The default limit=0.5 is
    TensorFlow Playground's initialization. Introduced in chapter 6 (The network playground).
    """
    shape = _check_shape(shape, "uniform")
    limit = check_nonnegative(limit, "limit", "uniform")
    check_generator(rng, "uniform")
    dtype = check_float_dtype(dtype, "uniform")
    return rng.uniform(-limit, limit, size=shape).astype(dtype, copy=False)


def lecun(shape, *, rng, scale=1.0, dtype=np.float64):
    """LeCun initialization: W = scale * N(0, 1) / sqrt(fan_in).

    shape: (D_in, D_out) -> array of that shape. With scale=1, Var(W) = 1 / fan_in keeps the
    variance of x @ W equal to that of x (the lecture's a = 1 / sqrt(n)).
    Introduced in chapter 8 (Weight initialization).
    """
    fan_in, fan_out = _fans(shape, "lecun")
    scale = check_nonnegative(scale, "scale", "lecun")
    std = scale * scheme_std("lecun", fan_in, fan_out)
    return _gaussian((fan_in, fan_out), std, rng, dtype, "lecun")


def xavier(shape, *, rng, scale=1.0, dtype=np.float64):
    """Xavier/Glorot initialization: W = scale * sqrt(2 / (fan_in + fan_out)) * N(0, 1).

    shape: (D_in, D_out) -> array of that shape. A compromise between keeping the forward
    variance (1 / fan_in) and the backward variance (1 / fan_out). For tanh and sigmoid.
    Introduced in chapter 8 (Weight initialization).
    """
    fan_in, fan_out = _fans(shape, "xavier")
    scale = check_nonnegative(scale, "scale", "xavier")
    std = scale * scheme_std("xavier", fan_in, fan_out)
    return _gaussian((fan_in, fan_out), std, rng, dtype, "xavier")


def he(shape, *, rng, scale=1.0, dtype=np.float64):
    """He initialization: W = scale * sqrt(2 / fan_in) * N(0, 1).

    shape: (D_in, D_out) -> array of that shape. The factor 2 makes up for ReLU zeroing
    half of its inputs. Introduced in chapter 8 (Weight initialization).
    """
    fan_in, fan_out = _fans(shape, "he")
    scale = check_nonnegative(scale, "scale", "he")
    std = scale * scheme_std("he", fan_in, fan_out)
    return _gaussian((fan_in, fan_out), std, rng, dtype, "he")


_FUNCTIONS = {
    "zeros": zeros,
    "normal": normal,
    "uniform": uniform,
    "lecun": lecun,
    "xavier": xavier,
    "he": he,
}


def get_initializer(name, scale=None):
    """Return the initializer `name` (one of INITIALIZERS) with its scale bound.

    The result is called as `f(shape, *, rng, dtype=np.float64)`. scale=None keeps the
    defaults; otherwise scale is the init-scale multiplier: the standard deviation for
    "normal", the limit for "uniform", a factor on the scheme's standard deviation for
    "lecun", "xavier" and "he"; "zeros" stays zeros whatever the scale.
    Introduced in chapter 8 (Weight initialization).
    """
    if not isinstance(name, str):
        raise TypeError(f"get_initializer: name must be a str, got {type(name).__name__}")
    if name not in _FUNCTIONS:
        raise ValueError(
            f"get_initializer: unknown initializer {name!r}; valid names are "
            f"{', '.join(INITIALIZERS)}"
        )
    func = _FUNCTIONS[name]
    if scale is not None:
        scale = check_nonnegative(scale, "scale", "get_initializer")
    if scale is None or name == "zeros":
        return functools.partial(func)
    return functools.partial(func, **{"limit" if name == "uniform" else "scale": scale})
