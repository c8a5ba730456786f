"""Checkers for the code exercises of chapter 1 (Logistic regression, revisited).

- ``check_sigmoid(fn)``: a numerically stable sigmoid, finite and exact at z = +-1000.
- ``check_log_loss_grad(fn)``: the gradient of the mean log-loss with respect to W and b.

Each checker calls the learner's function on small fixed inputs, compares with a reference
and returns a :class:`~mml4_lib.exercises.Feedback` naming the most likely mistake.
"""

import numpy as np

from mml4_lib.exercises import (
    Feedback,
    as_array,
    attempt,
    check_array,
    format_pair,
    hint,
    passed,
    shape_note,
)

__all__ = ["check_sigmoid", "check_log_loss_grad", "log_loss_grad_reference"]


def _sigmoid_reference(z):
    # exp of a non-positive number never overflows; see mml4_lib.activations.sigmoid
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def check_sigmoid(fn) -> Feedback:
    """Check a learner's ``sigmoid(z)``: values, shape, symmetry and stability at +-1000.

    fn: callable taking an array z of any shape and returning sigma(z) of the same shape.
    Returns a Feedback. Chapter 1.
    """
    z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    got, fb = attempt(fn, z.copy())
    if fb is not None:
        return fb
    got, fb = as_array(got, shape=z.shape)
    if fb is not None:
        return fb
    if got.shape != z.shape:
        return hint(f"sigmoid must work elementwise: for z of shape {z.shape} return shape "
                    f"{z.shape}, got {got.shape}")
    expected = _sigmoid_reference(z)
    if np.allclose(got, 1 - expected, atol=1e-8) and not np.allclose(got, expected):
        return hint("you computed sigma(-z): sigma must increase with z (sigma(3) ~ 0.95); "
                    "check the sign in exp(-z)")
    if not np.isclose(got[2], 0.5):
        return hint(f"sigma(0) must be 0.5, got {got[2]:.6g}")
    wrong = check_array(got, expected, "sigmoid(z)")
    if wrong is not None:
        return wrong
    # Stability: overflow in exp or inf / inf must not happen for large |z|.
    big = np.array([-1000.0, -40.0, 40.0, 1000.0])
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value = fn(big.copy())
    except FloatingPointError as exc:
        return hint(f"not stable: for z = [-1000, -40, 40, 1000] NumPy reports '{exc}'. "
                    "Compute exp only of non-positive numbers, e.g. e = exp(-|z|), and pick "
                    "1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0")
    except Exception as exc:  # the learner's code may fail in any way
        return hint(f"for z = [-1000, -40, 40, 1000] your code raised "
                    f"{type(exc).__name__}: {exc}")
    got_big, fb = as_array(value, "sigmoid(z) for z = [-1000, -40, 40, 1000]", shape=big.shape)
    if fb is not None:
        return fb
    if got_big.shape != big.shape or not np.all(np.isfinite(got_big)):
        return hint(f"for z = [-1000, -40, 40, 1000] the result must be 4 finite numbers, got "
                    f"{got_big}")
    wrong = check_array(got_big, _sigmoid_reference(big), "sigmoid at z = [-1000, -40, 40, 1000]",
                        rtol=1e-12, atol=1e-100)  # atol accepts clipping z to +-500
    if wrong is not None:
        return hint(wrong.message + " (relative precision matters for tiny values such as "
                    "sigma(-40) ~ 4e-18: 1 - sigma(40) would round it to 0)")
    return passed("sigmoid is correct and stable: finite and exact for z = +-1000")


def log_loss_grad_reference(X, y, W, b):
    """Gradient of the mean log-loss of logistic regression: dW = X^T (p - y) / N, db = mean(p - y).

    p = sigma(X W + b) are the predicted probabilities of class 1.
    Shapes: X (N, D), y (N,), W (D, 1), b (1,) -> dW (D, 1), db (1,). Chapter 1.
    """
    p = _sigmoid_reference(X @ W + b)  # (N, 1)
    err = p - y.reshape(-1, 1)  # (N, 1); y reshaped so (N, 1) - (N,) does not become (N, N)
    return X.T @ err / len(X), err.mean(axis=0)


def _cases():
    """Two small fixed problems with N != D, so transposes and broadcasting show in shapes."""
    rng = np.random.default_rng(7)
    cases = []
    for n, d in ((6, 2), (9, 3)):
        X = rng.normal(size=(n, d))
        y = (rng.random(n) < 0.5).astype(float)
        y[:2] = (0.0, 1.0)  # both classes present
        W = rng.normal(size=(d, 1))
        b = rng.normal(size=1)
        cases.append((X, y, W, b))
    return cases


def _as_pair(value):
    """Split the learner's return value into (dW, db), or return a hint Feedback."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return None, hint(f"return a pair (dW, db), got {type(value).__name__}"
                          + (f" of length {len(value)}" if isinstance(value, (tuple, list))
                             else ""))
    dW, fb = as_array(value[0], "dW")
    if fb is None:
        db, fb = as_array(value[1], "db")
    return (None, fb) if fb is not None else ((dW, db), None)


def _diagnose_dW(dW, X, y, W, b):
    """A hint for a wrong dW that has the right shape, naming the likely mistake."""
    n = len(X)
    dW_ref, _ = log_loss_grad_reference(X, y, W, b)
    if np.allclose(dW, -dW_ref):
        return hint("dW has the wrong sign: dL/dz = p - y (prediction minus target), "
                    "not y - p; gradient descent then subtracts it")
    if np.allclose(dW, n * dW_ref):
        return hint("dW is N times too large: the loss is the mean over the N examples, so "
                    "divide the sum X^T (p - y) by N")
    z = X @ W + b
    if np.allclose(dW, X.T @ (z - y.reshape(-1, 1)) / n):
        return hint("dW uses the logits z instead of the probabilities p = sigmoid(z): "
                    "the error term is p - y")
    return None


def check_log_loss_grad(fn) -> Feedback:
    """Check a learner's ``log_loss_grad(X, y, W, b) -> (dW, db)``.

    The loss is L = -(1/N) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)], p = sigma(X W + b).
    fn: callable taking X (N, D), y (N,), W (D, 1), b (1,) and returning dW (D, 1), db (1,).
    Returns a Feedback with a hint for a wrong sign, a missing 1/N, a wrong bias term, logits
    used instead of probabilities, or the (N, 1) - (N,) broadcasting trap. Chapter 1.
    """
    note = ""
    for X, y, W, b in _cases():
        n, d = X.shape
        value, fb = attempt(fn, X.copy(), y.copy(), W.copy(), b.copy())
        if fb is not None:
            return fb
        pair, fb = _as_pair(value)
        if fb is not None:
            return fb
        dW, db = pair
        dW_ref, db_ref = log_loss_grad_reference(X, y, W, b)
        if dW.shape in ((d, n), (n, n)) or db.shape in ((n,), (n, 1)):
            return hint(f"shape trap: p = sigmoid(X @ W + b) has shape ({n}, 1) but y has shape "
                        f"({n},), so p - y broadcasts to ({n}, {n}). Use "
                        f"y.reshape(-1, 1) (got dW {dW.shape}, db {db.shape})")
        if dW.shape != (d, 1):
            if dW.size == d and np.allclose(dW.ravel(), dW_ref.ravel()):
                return hint(f"dW has the right values but shape {dW.shape}; it must have the "
                            f"shape of W, ({d}, 1)")
            return hint(f"dW: shape ({d}, 1) expected (the shape of W), got {dW.shape}")
        if not np.allclose(dW, dW_ref):
            return _diagnose_dW(dW, X, y, W, b) or check_array(dW, dW_ref, "dW")
        if db.size != 1:
            return hint(f"db: shape (1,) expected (the shape of b), got {db.shape}")
        db = db.reshape(1)
        if not np.allclose(db, db_ref):
            err = db_ref[0] * n
            if np.isclose(db[0], -db_ref[0]):
                return hint("dW is right but db has the wrong sign: db = mean(p - y)")
            if np.isclose(db[0], err):
                return hint("dW is right but db is N times too large: db = mean(p - y), "
                            "not the sum")
            if np.isclose(db[0], 0.0):
                return hint("dW is right but db is 0: the bias gets the gradient "
                            "mean(p - y) (its 'input' is the constant 1)")
            e, g = format_pair(db_ref[0], db[0])
            return hint(f"dW is right but db is wrong: expected {e}, got {g}; the bias acts "
                        "like a weight on a constant input 1, "
                        "so db = mean(p - y)")
        note = note or shape_note(value[1], "db", (1,), "the shape of b (e.g. a mean over "
                                  "axis 0 of the (N, 1) errors)")
    return passed("the log-loss gradient is correct: dW = X^T (p - y) / N, db = mean(p - y)"
                  + note)
