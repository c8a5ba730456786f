"""Checkers for chapter 4 (Training: gradients and the chain rule).

The model is the lecture's: one sigmoid neuron p = sigmoid(w^T x) (the bias is the weight of a
constant feature x_0 = 1, the first column of X), squared loss L(y, p) = (y - p)^2 and the
*sum* Q(w) = sum_i L(y_i, p_i). Each checker recognises the typical slips in the chain rule:
a wrong sign, a missing factor 2 or sigma(1 - sigma), an average instead of the sum.
"""

import numpy as np

from mml4_lib.activations import sigmoid, tanh
from mml4_lib.exercises import Feedback, attempt, diagnose, hint, passed

__all__ = ["check_sigmoid_grad", "check_grad_one_neuron", "check_grad_hidden_layer",
           "grad_hidden_layer_reference", "one_neuron_data", "grad_one_neuron_reference",
           "hidden_data"]


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
        (z * (1 - z), "you computed z (1 - z) from the pre-activation z itself; the derivative "
                      "is sigma(z) (1 - sigma(z)) = a (1 - a), with the activation a = sigma(z)"),
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
def grad_one_neuron_reference(w, X, y):
    p = sigmoid(X @ w)
    return X.T @ (-2 * (y - p) * p * (1 - p))


def one_neuron_data():
    rng = np.random.default_rng(4)
    N, d = 6, 2
    X = np.column_stack([np.ones(N), rng.normal(size=(N, d))])  # x_0 = 1 carries the bias
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    w = np.array([0.3, -0.8, 1.1])
    return w, X, y


def check_grad_one_neuron(grad_Q) -> Feedback:
    """Check ``grad_Q(w, X, y)`` = dQ/dw for Q(w) = sum_i (y_i - sigmoid(w^T x_i))^2.

    w (D,), X (N, D) with a first column of ones, y (N,) -> (D,).
    Introduced in chapter 4.
    """
    w, X, y = one_neuron_data()
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
    A = sigmoid(X @ W1)                     # (N, H): a_ij = sigma(z_ij), z_ij = w_1j^T x_i
    p = sigmoid(A @ w2)                     # (N,)
    dp = -2 * (y - p)                       # dL/dp
    r = dp * p * (1 - p)                    # dL/d(w2^T a), one number per example
    dw2 = A.T @ r                           # (H,)
    dA = r[:, None] * w2[None, :]           # dL/da_j = r * w2_j, (N, H): an outer product
    dW1 = X.T @ (dA * A * (1 - A))          # (D, H): column j is dQ/dw_1j
    return dW1, dw2


def hidden_data():
    rng = np.random.default_rng(5)
    N, H = 7, 4  # H != D = 3, so a transposed dW1 has a different shape
    X = np.column_stack([np.ones(N), rng.normal(size=(N, 2))])
    W1 = rng.normal(size=(3, H))
    w2 = np.array([1.5, -2.0, 0.7, 1.1])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0])
    return W1, w2, X, y


def check_grad_hidden_layer(grad_hidden) -> Feedback:
    """Check ``grad_hidden(W1, w2, X, y)`` -> (dW1, dw2) for the network with one hidden layer.

    a_j = sigmoid(z_j), z_j = w_1j^T x (column j of W1 is w_1j), p = sigmoid(w2^T a),
    Q = sum_i (y_i - p_i)^2. W1 (D, H), w2 (H,), X (N, D), y (N,) -> dW1 (D, H), dw2 (H,).
    Introduced in chapter 4.
    """
    W1, w2, X, y = hidden_data()
    got, fb = attempt(grad_hidden, W1.copy(), w2.copy(), X.copy(), y.copy())
    if fb is not None:
        return fb
    if not isinstance(got, tuple | list) or len(got) != 2:
        return hint(f"return a pair (dW1, dw2), got {type(got).__name__}")
    dW1_ref, dw2_ref = grad_hidden_layer_reference(W1, w2, X, y)
    Z = X @ W1                              # hidden pre-activations
    A = sigmoid(Z)
    p = sigmoid(A @ w2)
    dp = -2 * (y - p)
    r = dp * p * (1 - p)
    bad = diagnose(got[1], dw2_ref, "dw2", [
        (-dw2_ref, "dw2 has the wrong sign: dL/dp = -2 (y - p)"),
        (X.T @ r, "dw2: the inputs of the output neuron are the a_j, not x: "
                  "dp/dw2 = p (1 - p) a"),
        (A.T @ dp, "dw2: the factor p (1 - p) of the output sigmoid is missing: "
                   "dp/dw2 = p (1 - p) a"),
        (dw2_ref / len(X), "dw2 is averaged; the lecture's Q is a sum over the examples"),
    ])
    if bad is not None:
        return bad
    bad = diagnose(got[0], dW1_ref, "dW1", [
        (-dW1_ref, "dW1 has the wrong sign: dL/dp = -2 (y - p)"),
        (dW1_ref.T, f"dW1 has its rows and columns swapped: shape {dW1_ref.shape} expected "
                    f"(the shape of W1: row k is input k, column j is hidden unit j), got "
                    f"{dW1_ref.T.shape}. X.T @ (...) with the (N, H) factor on the right "
                    f"gives (D, H)"),
        (X.T @ (r[:, None] * A * (1 - A)), "dW1: the factor w2_j is missing; "
                                           "dp/da_j = p (1 - p) w2_j"),
        (X.T @ (r[:, None] * w2[None, :]), "dW1: the factor a_j (1 - a_j) is missing; "
                                           "da_j/dw_1j = a_j (1 - a_j) x"),
        (X.T @ (dp[:, None] * w2[None, :] * A * (1 - A)),
         "dW1: the output neuron's factor p (1 - p) is missing. The path from w_1j to L runs "
         "through both sigmoids: dL/dp * p (1 - p) * w2_j * a_j (1 - a_j) * x"),
        (X.T @ (r[:, None] * w2[None, :] * Z * (1 - Z)),
         "dW1: you used z (1 - z) with the pre-activation z = w_1j^T x; the sigmoid's "
         "derivative is sigma(z) (1 - sigma(z)) = a (1 - a), with the activation a"),
        (dW1_ref / len(X), "dW1 is averaged; the lecture's Q is a sum over the examples"),
    ])
    if bad is not None:
        return bad
    return passed("correct: only a_j depends on w_1j, so dQ/dw_1j = "
                  "sum_i dL/dp * dp/da_j * da_j/dw_1j")
