"""Checkers for chapter 3 (Neurons and networks).

Each ``check_*`` calls the learner's function on fixed test inputs, compares with a reference
solution and, when the answer is wrong, recognises the typical mistakes (a missing bias, no
activation, a transposed shape, a step in the wrong place) to give a specific hint.
"""

from itertools import pairwise

import numpy as np

from mml4_lib.activations import relu, sigmoid, tanh
from mml4_lib.exercises import Feedback, as_array, attempt, diagnose, hint, passed

__all__ = ["check_neuron_forward", "check_bump", "check_count_parameters",
           "count_parameters_reference"]


# ----------------------------------------------------------------------------- neuron forward
def _neuron_data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 3))
    w = np.array([0.8, -1.2, 0.5])
    return X, w, 0.7


def check_neuron_forward(neuron_forward) -> Feedback:
    """Check ``neuron_forward(X, w, w0)`` = sigmoid(X @ w + w0): X (N, D), w (D,) -> (N,).

    Introduced in chapter 3.
    """
    X, w, w0 = _neuron_data()
    N = len(X)
    got, fb = attempt(neuron_forward, X.copy(), w.copy(), w0)
    if fb is None:
        got, fb = as_array(got, shape=(N,))
    if fb is not None:
        return fb
    z = X @ w + w0
    candidates = [
        (sigmoid(X @ w), "the bias w0 is missing: the sum is sum_i w_i x_i + w0, "
                         "i.e. X @ w + w0"),
        (z, "no activation: the neuron applies h = sigmoid to the weighted sum"),
        (sigmoid(X @ w - w0), "the bias enters with a plus sign: sigmoid(X @ w + w0)"),
        (tanh(z), "wrong activation: this neuron uses the sigmoid 1 / (1 + exp(-z)), "
                  "not tanh"),
        (relu(z), "wrong activation: this neuron uses the sigmoid 1 / (1 + exp(-z)), "
                  "not ReLU"),
        (sigmoid(z).reshape(N, 1), f"shape ({N},) expected, got ({N}, 1): return one number "
                                   f"per example as a 1-D array (X @ w with w of shape (D,) "
                                   f"already is one; do not reshape w to a column)"),
    ]
    bad = diagnose(got, sigmoid(z), "the output", candidates)
    if bad is not None:
        if got.shape == (N, N):
            return hint(f"shape ({N},) expected, got ({N}, {N}): an (N, 1) array was added to "
                        f"an (N,) one and broadcasting made a table; keep everything 1-D")
        return bad
    return passed("correct: y = sigmoid(X @ w + w0), one output per example")


# ----------------------------------------------------------------------------- a bump
def _bump(x, left, right, height, steepness):
    return height * (sigmoid(steepness * (x - left)) - sigmoid(steepness * (x - right)))


def check_bump(bump) -> Feedback:
    """Check ``bump(x, left, right, height, steepness)``: two sigmoid steps making a bump.

    bump = height * (sigmoid(s (x - left)) - sigmoid(s (x - right))); x (N,) -> (N,).
    Introduced in chapter 3.
    """
    x = np.linspace(0.0, 1.0, 41)
    left, right, height, s = 0.3, 0.6, 0.8, 40.0
    got, fb = attempt(bump, x.copy(), left, right, height, s)
    if fb is not None:
        return fb
    expected = _bump(x, left, right, height, s)
    candidates = [
        (-expected, "the bump points down: the step at `left` must go up "
                    "(+sigmoid(s (x - left))) and the one at `right` down (-sigmoid(...))"),
        (expected / height, "the height is missing: multiply the difference of the two "
                            "steps by `height` (it is the output weight of the pair)"),
        (height * (sigmoid(s * x - left) - sigmoid(s * x - right)),
         "the steps are in the wrong place: sigmoid(s * x - left) switches at x = left / s; "
         "write sigmoid(s * (x - left)) so the step is at x = left"),
        (height * sigmoid(s * (x - left)), "only one step: a bump is a step up at `left` "
                                           "minus a step up at `right`"),
        (height * (sigmoid(x - left) - sigmoid(x - right)), "the steepness s is not used: "
                                                            "sigmoid(s * (x - left))"),
    ]
    bad = diagnose(got, expected, "the bump", candidates)
    if bad is not None:
        return bad
    return passed("correct: two steep sigmoids, one up and one down, make a bump")


# ----------------------------------------------------------------------------- counting
def count_parameters_reference(sizes):
    return sum((d_in + 1) * d_out for d_in, d_out in pairwise(sizes))


_SIZES = ([2, 3, 1], [4, 8, 8, 2], [1, 1], [3, 5, 1])


def check_count_parameters(count_parameters) -> Feedback:
    """Check ``count_parameters(sizes)``: weights and biases of a fully connected network.

    sizes = [D, H_1, ..., H_L] -> sum over layers of (d_in + 1) * d_out.
    Introduced in chapter 3.
    """
    for sizes in _SIZES:
        got, fb = attempt(count_parameters, list(sizes))
        if fb is not None:
            return fb
        if isinstance(got, (bool, np.bool_)):
            return hint(f"return a number, got {type(got).__name__} {got!r}")
        got, fb = as_array(got, "the count", shape=())
        if fb is not None:
            return fb
        if got.shape != ():
            return hint(f"return one number (the count), got an array of shape {got.shape}")
        if not np.isfinite(got):
            return hint(f"the count must be a finite number, got {got} (NaN or inf)")
        got = float(got)
        expected = count_parameters_reference(sizes)
        weights = sum(a * b for a, b in pairwise(sizes))
        if got == expected:
            continue
        if got == weights:
            return hint(f"for sizes {sizes} you counted the weights ({weights}) but not the "
                        f"biases: every non-input unit has its own w0")
        if got == expected + sizes[0]:
            return hint(f"for sizes {sizes} you gave the inputs biases too: inputs are data, "
                        f"only units that compute have parameters")
        if got == sum(sizes):
            return hint(f"for sizes {sizes} you counted units, not parameters: a unit with "
                        f"d_in inputs has d_in weights and one bias")
        return hint(f"for sizes {sizes} expected {expected} parameters, got {got}")
    return passed("correct: each layer has (d_in + 1) * d_out parameters")
