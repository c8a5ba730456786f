"""Checkers for the code exercises of chapter 2 (Composing linear models).

- ``check_composed_forward(fn)``: the forward pass of three logistic regressions followed by
  a logistic regression on their outputs.
- ``check_collapse(fn)``: two stacked linear layers rewritten as one (W, b).
"""

import numpy as np

from mml4_lib.exercises import (
    Feedback,
    as_array,
    attempt,
    check_array,
    hint,
    passed,
    shape_note,
)

__all__ = ["check_composed_forward", "check_collapse", "composed_forward_reference",
           "collapse_reference"]


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def composed_forward_reference(X, W1, b1, v, c):
    """Probability of class 1 from a logistic regression on K logistic regressions.

    p = sigma(sigma(X W1 + b1) v + c).
    Shapes: X (N, D), W1 (D, K) (column k: regression k), b1 (K,), v (K, 1), c (1,)
    -> p (N, 1). Chapter 2.
    """
    return _sigmoid(_sigmoid(X @ W1 + b1) @ v + c)


def _forward_case():
    rng = np.random.default_rng(11)
    X = rng.normal(scale=2.0, size=(7, 2))
    return X, rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 1)) * 3, \
        rng.normal(size=1)


def check_composed_forward(fn) -> Feedback:
    """Check a learner's ``composed_forward(X, W1, b1, v, c) -> p``.

    fn: callable taking X (N, D), W1 (D, K), b1 (K,), v (K, 1), c (1,) and returning the
    probabilities p (N, 1) = sigma(sigma(X W1 + b1) v + c).
    Returns a Feedback with a hint for a missing inner or outer sigmoid, a missing bias or
    a result of shape (N,) instead of (N, 1). Chapter 2.
    """
    X, W1, b1, v, c = _forward_case()
    n = len(X)
    got, fb = attempt(fn, X.copy(), W1.copy(), b1.copy(), v.copy(), c.copy())
    if fb is not None:
        return fb
    got, fb = as_array(got, "p", shape=(n, 1))
    if fb is not None:
        return fb
    expected = composed_forward_reference(X, W1, b1, v, c)
    if got.shape != (n, 1):
        if got.size == n and np.allclose(got.ravel(), expected.ravel()):
            return hint(f"right values, wrong shape: ({n}, 1) expected (one column, like "
                        f"X @ v), got {got.shape}")
        return hint(f"p: shape ({n}, 1) expected, got {got.shape}")
    if np.allclose(got, expected):
        return passed("correct: p = sigma(sigma(X W1 + b1) v + c), shape (N, 1)")
    hidden = _sigmoid(X @ W1 + b1)
    suspects = [
        (hidden @ v + c,
         "you returned the final model's logits: apply sigma to sigma(X W1 + b1) v + c as well, "
         "so the output is a probability in (0, 1)"),
        (_sigmoid((X @ W1 + b1) @ v + c),
         "the three inner models need their sigmoid too: feed sigma(X W1 + b1) to the final "
         "model. Without it the whole composition is one linear model (see the section "
         "'Compositions of linear functions')"),
        (_sigmoid(_sigmoid(X @ W1) @ v + c), "the inner models' biases b1 are missing"),
        (_sigmoid(hidden @ v), "the final model's bias c is missing"),
    ]
    for value, message in suspects:
        if np.allclose(got, value):
            return hint(message)
    return check_array(got, expected, "p")


def collapse_reference(W1, b1, W2, b2):
    """One linear layer equal to two: (x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2).

    Shapes: W1 (D, H), b1 (H,), W2 (H, C), b2 (C,) -> W (D, C), b (C,). Chapter 2.
    """
    return W1 @ W2, b1 @ W2 + b2


def _collapse_cases():
    rng = np.random.default_rng(5)
    # D = 2 inputs as on the slide, H = 3 hidden units (D != H, so a wrong product shows).
    return [(rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 1)),
             rng.normal(size=1)) for _ in range(2)]


def check_collapse(fn) -> Feedback:
    """Check a learner's ``collapse(W1, b1, W2, b2) -> (W, b)`` for a two-layer linear net.

    fn: callable taking W1 (D, H), b1 (H,), W2 (H, 1), b2 (1,) and returning W (D, 1) and
    b (1,) with x W + b = (x W1 + b1) W2 + b2 for every x.
    Returns a Feedback with a hint for a transposed product or a missing bias term. Chapter 2.
    """
    note = ""
    for W1, b1, W2, b2 in _collapse_cases():
        d = W1.shape[0]
        value, fb = attempt(fn, W1.copy(), b1.copy(), W2.copy(), b2.copy())
        if fb is not None:
            return fb
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return hint(f"return a pair (W, b), got {type(value).__name__}")
        W, fb = as_array(value[0], "W", shape=(d, 1))
        if fb is None:
            b, fb = as_array(value[1], "b", shape=(1,))
        if fb is not None:
            return fb
        W_ref, b_ref = collapse_reference(W1, b1, W2, b2)
        if W.shape == (1, d) and np.allclose(W, W_ref.T):
            return hint(f"W is transposed: with rows as examples, x W1 W2 needs W = W1 @ W2 of "
                        f"shape ({d}, 1), got shape {W.shape} (W2.T @ W1.T?)")
        if W.shape != (d, 1):
            return hint(f"W: shape ({d}, 1) expected (inputs x outputs), got {W.shape}; the "
                        f"product that chains (N, {d}) -> (N, 3) -> (N, 1) is W1 @ W2")
        wrong = check_array(W, W_ref, "W")
        if wrong is not None:
            return wrong
        if b.size != 1:
            return hint(f"b: shape (1,) expected (one output), got {b.shape}; the first "
                        "layer's bias b1 must also pass through W2: b1 @ W2")
        b = b.reshape(1)
        if np.allclose(b, b2) and not np.allclose(b, b_ref):
            return hint("W is right; b misses a term: the first layer's bias b1 also passes "
                        "through the second layer, so b = b1 @ W2 + b2")
        if np.allclose(b, b1 @ W2):
            return hint("W is right; b misses the second layer's own bias: b = b1 @ W2 + b2")
        if np.allclose(b, b1.sum() + b2):
            return hint("W is right; b1 must be multiplied by W2 (each hidden unit's bias is "
                        "weighted like its output): b = b1 @ W2 + b2")
        wrong = check_array(b, b_ref, "b")
        if wrong is not None:
            return wrong
        note = note or shape_note(value[1], "b", (1,), "like b2 (b1 @ W2 + b2 has that "
                                  "shape by itself)")
    return passed("correct: (x W1 + b1) W2 + b2 = x (W1 @ W2) + (b1 @ W2 + b2), one linear "
                  "model" + note)
