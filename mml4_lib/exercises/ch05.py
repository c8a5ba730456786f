"""Checkers for chapter 5 (Backpropagation).

Three code exercises: the backward pass of a sigmoid layer, the backward pass of a fully
connected layer (dx, dW, db), and a centered-difference gradient for checking them. Each checker
calls the learner's function on fixed inputs whose sizes all differ (N = 5, D = 3, H = 2), so a
transposed result has a different shape from the right one, and recognises the typical slips:
a forgotten upstream gradient, a transpose in the wrong place, a bias gradient that was not
summed over the batch, a wrong sign, a forward difference instead of a centered one.
"""

import numpy as np

from mml4_lib.activations import sigmoid
from mml4_lib.exercises import Feedback, attempt, diagnose, hint, passed

__all__ = [
    "check_sigmoid_backward",
    "check_linear_backward",
    "check_centered_difference",
    "sigmoid_backward_reference",
    "linear_backward_reference",
    "centered_difference_reference",
]


# ----------------------------------------------------------------------------- sigmoid layer
def sigmoid_backward_reference(out, dout):
    """dx = dout * out * (1 - out), where out = sigmoid(x) was kept by the forward pass.

    out, dout: (N, H) -> dx: (N, H). Introduced in chapter 5.
    """
    return dout * out * (1 - out)


def _sigmoid_data():
    rng = np.random.default_rng(51)
    out = sigmoid(rng.normal(size=(5, 2)) * 2)
    dout = rng.normal(size=(5, 2))
    return out, dout


def check_sigmoid_backward(sigmoid_backward) -> Feedback:
    """Check ``sigmoid_backward(out, dout)`` -> dx for a sigmoid layer out = sigmoid(x).

    out, dout: (N, H) with N = 5, H = 2 -> dx: (N, H). Introduced in chapter 5.
    """
    out, dout = _sigmoid_data()
    got, fb = attempt(sigmoid_backward, out.copy(), dout.copy())
    if fb is not None:
        return fb
    expected = sigmoid_backward_reference(out, dout)
    local = out * (1 - out)
    candidates = [
        (local, "you returned the local derivative sigma'(x) = out (1 - out) only; the chain "
                "rule multiplies it by the upstream gradient: dx = dout * out * (1 - out)"),
        (-expected, "wrong sign: the sigmoid is increasing, so dx has the sign of dout"),
        (dout * sigmoid(out) * (1 - sigmoid(out)),
         "you applied the sigmoid to out again; out is already sigma(x), so sigma'(x) = "
         "out * (1 - out)"),
        (dout * out, "the factor (1 - out) is missing: sigma'(x) = sigma(x) (1 - sigma(x))"),
        (dout * (1 - out), "the factor out is missing: sigma'(x) = sigma(x) (1 - sigma(x))"),
        (dout * (1 - out**2), "that is the derivative of tanh (1 - out^2); the sigmoid's is "
                              "out * (1 - out)"),
        (dout @ local.T, "dx is an elementwise product (each unit has its own derivative), "
                         "not a matrix product: use *, not @"),
        (dout.T @ local, "dx is an elementwise product (each unit has its own derivative), "
                         "not a matrix product: use *, not @"),
    ]
    bad = diagnose(got, expected, "dx", candidates)
    if bad is not None:
        return bad
    return passed("correct: dx = dout * out * (1 - out), elementwise, shape (N, H)")


# ----------------------------------------------------------------------------- linear layer
def linear_backward_reference(x, W, dout):
    """Backward pass of out = x @ W + b: (dx, dW, db) = (dout W^T, x^T dout, sum_n dout).

    x: (N, D), W: (D, H), dout: (N, H) -> dx: (N, D), dW: (D, H), db: (H,).
    Introduced in chapter 5.
    """
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def _linear_data():
    rng = np.random.default_rng(52)
    N, D, H = 5, 3, 2  # all different, so every transpose shows up as a wrong shape
    x = rng.normal(size=(N, D))
    W = rng.normal(size=(D, H))
    dout = rng.normal(size=(N, H))
    return x, W, dout


def _shape_hint(exc_text):
    if "matmul" in exc_text or "aligned" in exc_text or "broadcast" in exc_text:
        return (" Check the shapes: x is (N, D), W is (D, H), dout is (N, H); "
                "dx = dout @ W.T is (N, D) and dW = x.T @ dout is (D, H).")
    return ""


def check_linear_backward(linear_backward) -> Feedback:
    """Check ``linear_backward(x, W, dout)`` -> (dx, dW, db) for out = x @ W + b.

    x: (N, D), W: (D, H), dout: (N, H) with N = 5, D = 3, H = 2.
    Introduced in chapter 5.
    """
    x, W, dout = _linear_data()
    got, fb = attempt(linear_backward, x.copy(), W.copy(), dout.copy())
    if fb is not None:
        if fb.status == "hint":
            return hint(fb.message + _shape_hint(fb.message))
        return fb
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return hint(f"return three arrays (dx, dW, db), got {type(got).__name__}"
                    + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""))
    dx_ref, dW_ref, db_ref = linear_backward_reference(x, W, dout)
    N, D = x.shape
    H = W.shape[1]
    dx, dW, db = got

    bad = diagnose(dx, dx_ref, "dx", [
        (-dx_ref, "dx has the wrong sign: out = x @ W + b, so dout flows back through W "
                  "with a plus sign"),
        (dx_ref.T, f"dx: shape (N, D) = ({N}, {D}) expected, got ({D}, {N}): you computed "
                   f"W @ dout.T, the transpose; use dout @ W.T"),
    ])
    if bad is not None:
        return bad
    bad = diagnose(dW, dW_ref, "dW", [
        (-dW_ref, "dW has the wrong sign: dW = x.T @ dout"),
        (dW_ref.T, f"dW must have W's shape (D, H) = ({D}, {H}), got ({H}, {D}): you "
                   f"computed dout.T @ x; use x.T @ dout"),
        (dW_ref / N, "dW is divided by N: the loss already averages over the batch, so dout "
                     "carries the 1/N; here just sum over the examples with x.T @ dout"),
    ])
    if bad is not None:
        return bad
    bad = diagnose(db, db_ref, "db", [
        (dout, f"db has shape (N, H) = ({N}, {H}): b is added to every row, so its gradient "
               f"is dout summed over the batch, dout.sum(axis=0), shape ({H},)"),
        (dout.mean(axis=0), "db is averaged over the batch; it must be the sum "
                            "dout.sum(axis=0) (the loss's 1/N is already inside dout)"),
        (dout.sum(axis=1), f"db is summed over the wrong axis: axis 0 runs over the N "
                           f"examples, so db = dout.sum(axis=0), shape ({H},)"),
        (dout.sum(), f"db summed over everything into one number; sum over the examples "
                     f"only: dout.sum(axis=0), shape ({H},)"),
        (-db_ref, "db has the wrong sign: db = dout.sum(axis=0)"),
        (db_ref.reshape(1, H), f"db: shape ({H},) expected, got (1, {H}); b has shape "
                               f"(H,): use dout.sum(axis=0) without keepdims"),
    ])
    if bad is not None:
        return bad
    return passed("correct: dx = dout @ W.T (N, D), dW = x.T @ dout (D, H), "
                  "db = dout.sum(axis=0) (H,)")


# ----------------------------------------------------------------------------- gradient check
def centered_difference_reference(f, x, h=1e-5):
    """Centered differences: grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h); x is restored.

    f: function (D,) array -> float; x: (D,) float array -> grad (D,). Introduced in chapter 5.
    """
    grad = np.zeros_like(x, dtype=float)
    for i in range(x.size):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old  # restore, or every later entry is measured at a shifted point
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _test_function(x):
    # curved enough that a forward difference is visibly worse than a centered one
    return float(np.sum(np.exp(x)) + x[0] * x[1] ** 2 + np.sin(3 * x[2]))


def _test_gradient(x):
    return np.array([np.exp(x[0]) + x[1] ** 2,
                     np.exp(x[1]) + 2 * x[0] * x[1],
                     np.exp(x[2]) + 3 * np.cos(3 * x[2])])


def _forward_difference(f, x, h):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - fx) / h
    return grad


def check_centered_difference(centered_difference) -> Feedback:
    """Check ``centered_difference(f, x, h)`` -> centered-difference gradient of f at x.

    (Named apart from the library's ``ml.gradcheck.numerical_gradient(f, x)``, whose f takes
    no argument and which perturbs x in place: a different interface.)

    f: function (D,) -> float; x: (D,) float array (must be left as it was); h: step.
    The test uses D = 3 and h = 1e-4 and compares with the exact gradient.
    Introduced in chapter 5.
    """
    x0 = np.array([0.3, -0.7, 0.5])
    h = 1e-4
    x = x0.copy()
    got, fb = attempt(centered_difference, _test_function, x, h)
    if fb is not None:
        return fb
    exact = _test_gradient(x0)
    if not np.array_equal(x, x0):
        return hint("your function changed x: put x[i] back to its old value after the two "
                    "evaluations, or every later entry is measured at a shifted point")
    forward = _forward_difference(_test_function, x0, h)
    backward = _forward_difference(_test_function, x0, -h)  # (f(x) - f(x - h)) / h
    candidates = [
        (forward, "that is the forward difference (f(x + h) - f(x)) / h, whose error is O(h); "
                  "the centered (f(x + h) - f(x - h)) / (2 h) is O(h^2), much more accurate"),
        (backward, "that is the backward difference (f(x) - f(x - h)) / h, whose error is "
                   "O(h); use the centered (f(x + h) - f(x - h)) / (2 h)"),
        (2 * exact, "twice the gradient: the two points x + h and x - h are 2h apart, so "
                    "divide by 2h, not h"),
        (exact / 2, "half the gradient: divide the difference f(x + h) - f(x - h) by 2h "
                    "(not 4h)"),
        (-exact, "wrong sign: it is f(x + h) minus f(x - h), divided by 2h"),
    ]
    # rtol 1e-6: a centered difference with h = 1e-4 is within ~1e-8 of the exact gradient
    bad = diagnose(got, exact, "gradient", candidates)
    if bad is not None:
        return bad
    return passed("correct: (f(x + h e_i) - f(x - h e_i)) / (2 h) for each i, with x restored")
