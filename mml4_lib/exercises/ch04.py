"""Checkers for chapter 4 (Training: gradients and the chain rule).

The model is the lecture's: one sigmoid neuron p = sigmoid(w^T x) (the bias is the weight of a
constant feature x^0 = 1, the first column of X), squared loss L(y, p) = (y - p)^2 and the
*sum* Q(w) = sum_i L(y_i, p_i). Each checker recognises the typical slips in the chain rule:
a wrong sign, a missing factor 2 or sigma(1 - sigma), an average instead of the sum.
"""

import numpy as np

from mml4_lib.activations import sigmoid, tanh
from mml4_lib.exercises import Feedback, attempt, diagnose, hint, passed

__all__ = ["check_sigmoid_grad", "check_grad_one_neuron", "check_grad_hidden_layer",
           "grad_hidden_layer_reference"]


# ----------------------------------------------------------------------------- sigma'
def check_sigmoid_grad(sigmoid_grad) -> Feedback:
    """Check ``sigmoid_grad(z)`` = sigma(z) (1 - sigma(z)), elementwise, same shape as z.

    Introduced in chapter 4.
    """
    z = np.linspace(-6.0, 6.0, 25)
    got, fb = attempt(sigmoid_grad, z.copy())
    if fb is not None:
        return fb
    s = sigmoid(z)
    candidates = [
        (s * (1 - z), "you used z where sigma(z) belongs: sigma'(z) = sigma(z) (1 - sigma(z))"),
        (s, "that is sigma(z) itself; its derivative is sigma(z) (1 - sigma(z))"),
        (1 - s, "that is 1 - sigma(z) = e^(-z) / (1 + e^(-z)): the factor sigma(z) is missing "
                "(from the quotient rule, the denominator must be squared)"),
        (-s * (1 - s), "wrong sign: sigma is increasing, so sigma'(z) > 0 everywhere"),
        (1 - tanh(z) ** 2, "that is the derivative of tanh, not of the sigmoid"),
    ]
    bad = diagnose(got, s * (1 - s), "sigma'(z)", candidates)
    if bad is not None:
        return bad
    return passed("correct: sigma'(z) = sigma(z) (1 - sigma(z)), largest (1/4) at z = 0")


# ----------------------------------------------------------------------------- one neuron
def _grad_one_neuron(w, X, y):
    p = sigmoid(X @ w)
    return X.T @ (-2 * (y - p) * p * (1 - p))


def _one_neuron_data():
    rng = np.random.default_rng(4)
    N, d = 6, 2
    X = np.column_stack([np.ones(N), rng.normal(size=(N, d))])  # x^0 = 1 carries the bias
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    w = np.array([0.3, -0.8, 1.1])
    return w, X, y


def check_grad_one_neuron(grad_Q) -> Feedback:
    """Check ``grad_Q(w, X, y)`` = dQ/dw for Q(w) = sum_i (y_i - sigmoid(w^T x_i))^2.

    w (D,), X (N, D) with a first column of ones, y (N,) -> (D,).
    Introduced in chapter 4.
    """
    w, X, y = _one_neuron_data()
    got, fb = attempt(grad_Q, w.copy(), X.copy(), y.copy())
    if fb is not None:
        return fb
    p = sigmoid(X @ w)
    r = -2 * (y - p) * p * (1 - p)  # dL_i/d(w^T x_i), one number per example
    expected = X.T @ r
    N, D = X.shape
    candidates = [
        (-expected, "wrong sign: d(y - p)^2/dp = -2 (y - p); the minus comes from the inner "
                    "function y - p"),
        (expected / N, "you averaged over the examples; the lecture's Q is the sum "
                       "sum_i L(y_i, a(x_i; w)), so do not divide by N"),
        (expected / 2, "the factor 2 from d(y - p)^2/dp = -2 (y - p) is missing"),
        (-expected / 2, "the factor 2 is missing and the sign is wrong: "
                        "d(y - p)^2/dp = -2 (y - p)"),
        (X.T @ (-2 * (y - p)), "the factor sigma(w^T x)(1 - sigma(w^T x)) is missing: the chain "
                               "goes through the sigmoid, dp/d(w^T x) = p (1 - p)"),
        (X * r[:, None], f"you returned one gradient per example, shape ({N}, {D}); "
                         f"dQ/dw is their sum over i, shape ({D},)"),
        (expected.reshape(D, 1), f"shape ({D},) expected, got ({D}, 1): keep w's shape"),
        (expected.reshape(1, D), f"shape ({D},) expected, got (1, {D}): keep w's shape"),
    ]
    bad = diagnose(got, expected, "dQ/dw", candidates)
    if bad is not None:
        return bad
    return passed("correct: dQ/dw = sum_i -2 (y_i - p_i) p_i (1 - p_i) x_i")


# ----------------------------------------------------------------------------- hidden layer
def grad_hidden_layer_reference(W1, w2, X, y):
    Z = sigmoid(X @ W1)                     # (N, J): z_ij = sigma(w_1j^T x_i)
    p = sigmoid(Z @ w2)                     # (N,)
    dp = -2 * (y - p)                       # dL/dp
    du = dp * p * (1 - p)                   # dL/d(w2^T z)
    dw2 = Z.T @ du                          # (J,)
    dZ = du[:, None] * w2[None, :]          # dL/dz_j = dL/du * w2_j, (N, J)
    dW1 = X.T @ (dZ * Z * (1 - Z))          # (D, J): column j is dQ/dw_1j
    return dW1, dw2


def _hidden_data():
    rng = np.random.default_rng(5)
    N, J = 7, 3
    X = np.column_stack([np.ones(N), rng.normal(size=(N, 2))])
    W1 = rng.normal(size=(3, J))
    w2 = np.array([1.5, -2.0, 0.7])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0])
    return W1, w2, X, y


def check_grad_hidden_layer(grad_hidden) -> Feedback:
    """Check ``grad_hidden(W1, w2, X, y)`` -> (dW1, dw2) for the network with one hidden layer.

    z_j = sigmoid(w_1j^T x) (column j of W1 is w_1j), p = sigmoid(w2^T z),
    Q = sum_i (y_i - p_i)^2. W1 (D, J), w2 (J,), X (N, D), y (N,) -> dW1 (D, J), dw2 (J,).
    Introduced in chapter 4.
    """
    W1, w2, X, y = _hidden_data()
    got, fb = attempt(grad_hidden, W1.copy(), w2.copy(), X.copy(), y.copy())
    if fb is not None:
        return fb
    if not isinstance(got, tuple | list) or len(got) != 2:
        return hint(f"return a pair (dW1, dw2), got {type(got).__name__}")
    dW1_ref, dw2_ref = grad_hidden_layer_reference(W1, w2, X, y)
    Z = sigmoid(X @ W1)
    p = sigmoid(Z @ w2)
    du = -2 * (y - p) * p * (1 - p)
    bad = diagnose(got[1], dw2_ref, "dw2", [
        (-dw2_ref, "dw2 has the wrong sign: dL/dp = -2 (y - p)"),
        (X.T @ du, "dw2: the inputs of the output neuron are the z_j, not x: "
                   "dp/dw2 = p (1 - p) z"),
        (dw2_ref / len(X), "dw2 is averaged; the lecture's Q is a sum over the examples"),
    ])
    if bad is not None:
        return bad
    bad = diagnose(got[0], dW1_ref, "dW1", [
        (-dW1_ref, "dW1 has the wrong sign: dL/dp = -2 (y - p)"),
        (X.T @ (du[:, None] * Z * (1 - Z)), "dW1: the factor w2_j is missing; "
                                            "dp/dz_j = p (1 - p) w2_j"),
        (X.T @ (du[:, None] * w2[None, :]), "dW1: the factor z_j (1 - z_j) is missing; "
                                            "dz_j/dw_1j = z_j (1 - z_j) x"),
        (dW1_ref.T, f"dW1: shape {dW1_ref.shape} expected (same as W1, column j is "
                    f"dQ/dw_1j), got {dW1_ref.T.shape}"),
        (dW1_ref / len(X), "dW1 is averaged; the lecture's Q is a sum over the examples"),
    ])
    if bad is not None:
        return bad
    return passed("correct: only z_j depends on w_1j, so dQ/dw_1j = "
                  "sum_i dL/dp * dp/dz_j * dz_j/dw_1j")
