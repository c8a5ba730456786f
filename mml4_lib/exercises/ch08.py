"""Checkers for chapter 8 (Weight initialization).

Two code exercises: the standard deviation of the LeCun, Xavier (Glorot) and He schemes, and
the variance of every layer of a deep ReLU network predicted by Var(z) = n Var(w) E[x^2].
The checkers use layer sizes that all differ, so a swapped fan_in/fan_out shows, and
recognise the typical slips: fan_out for fan_in, the missing factor 2, a variance returned
as a standard deviation, an unsquared weight scale, the ReLU factor 1/2 missing or applied
to the input layer, an off-by-one list of layers.
"""

import functools
import math

import numpy as np

from mml4_lib.exercises import (
    Feedback,
    as_array,
    attempt,
    check_array,
    hint,
    known_mistake,
    passed,
)
from mml4_lib.init import scheme_std as init_std
from mml4_lib.lab.propagation import predicted_variances

__all__ = ["check_init_std", "check_relu_variances", "relu_variances_reference"]

FAN_IN, FAN_OUT = 300, 100


def _close(got, value):
    return bool(np.isclose(got, value, rtol=1e-6, atol=0))


def _std_mistakes(scheme, n_in, n_out):
    """(wrong value, message) pairs for the typical slips with each scheme."""
    variance = ("you returned the variance; the weights are std * N(0, 1), so return its "
                "square root")
    if scheme == "lecun":
        return [(1 / math.sqrt(n_out), "LeCun divides by the number of inputs of a unit, "
                                       "fan_in (the n in n Var(w) = 1), not fan_out"),
                (1 / n_in, variance),
                (math.sqrt(2 / n_in), "that is He's sqrt(2 / fan_in); LeCun has no factor 2"),
                (1 / math.sqrt(n_in + n_out), "that mixes in fan_out; LeCun is 1/sqrt(fan_in)")]
    if scheme == "xavier":
        return [(1 / math.sqrt(n_in + n_out), "the factor 2 is missing: Var(w) = 2 / (fan_in + "
                                              "fan_out), the harmonic mean of 1/fan_in and "
                                              "1/fan_out"),
                (2 / (n_in + n_out), variance),
                (math.sqrt(2) / (n_in + n_out), "the square root goes over the whole fraction: "
                                                "sqrt(2 / (fan_in + fan_out))"),
                (1 / math.sqrt(n_in), "that is LeCun's 1/sqrt(fan_in); Xavier averages fan_in "
                                      "and fan_out"),
                (math.sqrt(2 / (n_in * n_out)), "Xavier adds the fans, it does not multiply "
                                                "them: sqrt(2 / (fan_in + fan_out))"),
                (math.sqrt(6 / (n_in + n_out)), "that is the bound r = sqrt(6 / (fan_in + "
                                                "fan_out)) of Glorot's uniform U(-r, r); its "
                                                "standard deviation is r / sqrt(3) = "
                                                "sqrt(2 / (fan_in + fan_out))")]
    return [(1 / math.sqrt(n_in), "the factor 2 is missing: ReLU zeroes half of z, "
                                  "E[relu(z)^2] = Var(z) / 2, so He doubles the variance: "
                                  "sqrt(2 / fan_in)"),
            (math.sqrt(2 / n_out), "He uses fan_in, the number of inputs of a unit"),
            (2 / n_in, variance),
            (math.sqrt(2) / n_in, "the square root goes over the whole fraction: "
                                  "sqrt(2 / fan_in)"),
            (math.sqrt(2 / (n_in + n_out)), "that is Xavier's; He uses fan_in only")]


def check_init_std(fn) -> Feedback:
    """Check ``fn(scheme, fan_in, fan_out)`` -> the weights' standard deviation (a float).

    "lecun": 1/sqrt(fan_in); "xavier": sqrt(2/(fan_in + fan_out)); "he": sqrt(2/fan_in).
    Tried on a 300 x 100 and a 64 x 256 layer. Introduced in chapter 8.
    """
    for n_in, n_out in ((FAN_IN, FAN_OUT), (64, 256)):
        for scheme in ("lecun", "xavier", "he"):
            got, fb = attempt(fn, scheme, n_in, n_out)
            if fb is None:
                got, fb = as_array(got, f"the {scheme} standard deviation", shape=())
            if fb is not None:
                return fb
            if got.ndim != 0:
                return hint(f"{scheme}: return one number (the standard deviation), "
                            f"got an array of shape {got.shape}")
            got = float(got)
            if not np.isfinite(got):
                return hint(f"{scheme}: the standard deviation must be a finite number, got "
                            f"{got} (NaN or inf)")
            expected = init_std(scheme, n_in, n_out)
            if _close(got, expected):
                continue
            for value, message in _std_mistakes(scheme, n_in, n_out):
                if _close(got, value):
                    return hint(f"{scheme}: {message}")
            return hint(f"{scheme} for fan_in={n_in}, fan_out={n_out}: expected "
                        f"{expected:.6g}, got {got:.6g}")
    return passed("correct: LeCun keeps n Var(w) = 1 forward, Xavier compromises between "
                  "the forward and the backward pass, He doubles LeCun's variance for ReLU")


# ----------------------------------------------------------------------------- variances
def relu_variances_reference(var_x, n, weight_std, depth):
    """Predicted Var(z_l), l = 1 ... depth, for a ReLU net whose layers all have n inputs.

    Var(z_1) = n s^2 Var(x) (zero-mean inputs); Var(z_l) = n s^2 Var(z_{l-1}) / 2 after
    that, since E[relu(z)^2] = Var(z) / 2. Returns (depth,).
    """
    return predicted_variances(var_x, [n] * depth, weight_std, activation="relu")


def check_relu_variances(fn) -> Feedback:
    """Check ``fn(var_x, n, weight_std, depth)`` -> (depth,) predicted pre-activation variances.

    Introduced in chapter 8.
    """
    var_x, n, s, depth = 1.5, 50, 0.3, 4
    got, fb = attempt(fn, var_x, n, s, depth)
    if fb is not None:
        return fb
    expected = relu_variances_reference(var_x, n, s, depth)
    layers = np.arange(1, depth + 1)
    gain = n * s**2
    with_input = np.concatenate([[var_x], expected])
    candidates = [
        (var_x * (n * s) ** layers / 2 ** (layers - 1),
         "the weight scale must be squared: Var(s w) = s^2 Var(w), so each layer multiplies "
         "by n s^2, not n s"),
        (var_x * gain**layers, "the ReLU factor 1/2 is missing: E[relu(z)^2] = Var(z) / 2, "
                               "so every layer after the first multiplies by n s^2 / 2"),
        (var_x * (gain / 2) ** layers, "the first layer sees the inputs x themselves, not ReLU "
                                       "outputs: Var(z_1) = n s^2 Var(x), without the 1/2"),
        (with_input, f"return the {depth} hidden layers z_1 ... z_{depth}, without Var(x) "
                     f"in front"),
        (with_input[:-1], "start at z_1 = x W_1: Var(z_1) = n s^2 Var(x); your list starts "
                          "one layer early"),
        (np.sqrt(expected), "those are standard deviations; the question asks for variances"),
    ]
    message = _first_match(got, candidates)
    if message is not None:
        return hint(message)
    bad = check_array(got, expected, "the predicted variances", rtol=1e-6)
    if bad is not None:
        return bad
    return passed(f"correct: each ReLU layer multiplies the variance by n s^2 / 2 = "
                  f"{gain / 2:g}; He's s = sqrt(2 / n) makes that exactly 1")


_first_match = functools.partial(known_mistake, atol=0)
