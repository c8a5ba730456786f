"""Chapter 2 checkers: the reference passes, typical mistakes get their hint, stubs are "to do"."""

import numpy as np
import pytest

from mml4_lib.exercises import NOT_ATTEMPTED
from mml4_lib.exercises.ch02 import (
    check_collapse,
    check_composed_forward,
    collapse_reference,
    composed_forward_reference,
)


def _stub(*args):
    raise NotImplementedError


def sigmoid(z):
    return 1 / (1 + np.exp(-z))  # the test inputs are small: the plain formula is fine here


# ------------------------------------------------------------------ composed forward
def forward_ok(X, W1, b1, v, c):
    return sigmoid(sigmoid(X @ W1 + b1) @ v + c)


def test_forward_reference_by_hand():
    # One example, two inner models, worked out with plain floats.
    X = np.array([[1.0, -2.0]])
    W1 = np.array([[1.0, 0.5], [0.0, 1.0]])
    b1 = np.array([0.0, 1.0])
    v, c = np.array([[2.0], [-1.0]]), np.array([0.5])
    h1 = 1 / (1 + np.exp(-1.0))           # 1*1 + (-2)*0 + 0
    h2 = 1 / (1 + np.exp(0.5))            # z = 1*0.5 + (-2)*1 + 1 = -0.5
    p = 1 / (1 + np.exp(-(2 * h1 - h2 + 0.5)))
    np.testing.assert_allclose(composed_forward_reference(X, W1, b1, v, c), [[p]])


def test_forward_reference_passes():
    assert check_composed_forward(forward_ok).passed


def test_forward_stub_not_attempted():
    fb = check_composed_forward(_stub)
    assert fb.status == "not attempted" and fb.message == NOT_ATTEMPTED


@pytest.mark.parametrize("fn, words", [
    (lambda X, W1, b1, v, c: sigmoid(X @ W1 + b1) @ v + c, "logits"),
    (lambda X, W1, b1, v, c: sigmoid((X @ W1 + b1) @ v + c), "inner models need their sigmoid"),
    (lambda X, W1, b1, v, c: forward_ok(X, W1, b1, v, c).ravel(), "wrong shape"),
    (lambda X, W1, b1, v, c: sigmoid(sigmoid(X @ W1) @ v + c), "biases b1"),
    (lambda X, W1, b1, v, c: sigmoid(sigmoid(X @ W1 + b1) @ v), "bias c"),
])
def test_forward_typical_mistakes(fn, words):
    fb = check_composed_forward(fn)
    assert fb.status == "hint" and words in fb.message, fb.message


# ------------------------------------------------------------------ collapse
def test_collapse_reference_is_the_same_function():
    rng = np.random.default_rng(1)
    W1, b1, W2, b2 = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 1)), \
        rng.normal(size=1)
    x = rng.normal(size=(5, 2))
    W, b = collapse_reference(W1, b1, W2, b2)
    np.testing.assert_allclose(x @ W + b, (x @ W1 + b1) @ W2 + b2, rtol=1e-12)


def test_collapse_slide_formula():
    # The slide: y = (w31 w11 + w32 w21) x1 + (w31 w12 + w32 w22) x2, z_j = w_j1 x1 + w_j2 x2.
    w11, w12, w21, w22, w31, w32 = 2.0, -1.0, 0.5, 3.0, 1.5, -2.0
    W1 = np.array([[w11, w21], [w12, w22]])  # column j holds the weights of z_j
    W2 = np.array([[w31], [w32]])
    W, b = collapse_reference(W1, np.zeros(2), W2, np.zeros(1))
    np.testing.assert_allclose(W.ravel(), [w31 * w11 + w32 * w21, w31 * w12 + w32 * w22])
    np.testing.assert_allclose(b, [0.0])


def collapse_ok(W1, b1, W2, b2):
    return W1 @ W2, b1 @ W2 + b2


def test_collapse_reference_passes():
    assert check_collapse(collapse_ok).passed


def test_collapse_stub_not_attempted():
    assert check_collapse(_stub).status == "not attempted"


@pytest.mark.parametrize("fn, words", [
    (lambda W1, b1, W2, b2: (W2.T @ W1.T, b1 @ W2 + b2), "transposed"),
    (lambda W1, b1, W2, b2: (W1 @ W2, b2), "b1 also passes"),
    (lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2), "own bias"),
    (lambda W1, b1, W2, b2: (W1 @ W2, b1.sum() + b2), "multiplied by W2"),
    (lambda W1, b1, W2, b2: (W1 @ W2, b1 + b2), "shape (1,) expected"),
    (lambda W1, b1, W2, b2: ((W1 @ W2).ravel(), b1 @ W2 + b2), "shape (2, 1) expected"),
    (lambda W1, b1, W2, b2: (W1 * 2 @ W2, b1 @ W2 + b2), "wrong values"),
])
def test_collapse_typical_mistakes(fn, words):
    fb = check_collapse(fn)
    assert fb.status == "hint" and words in fb.message, fb.message


@pytest.mark.parametrize("make_b, got", [
    (lambda b: float(b[0]), "a float"),
    (lambda b: np.asarray(b[0]), "an array of shape ()"),
    (lambda b: b.tolist(), "a list"),
])
def test_collapse_b_of_another_shape_passes_with_a_note(make_b, got):
    def fn(W1, b1, W2, b2):
        W, b = collapse_ok(W1, b1, W2, b2)
        return W, make_b(b)

    fb = check_collapse(fn)
    assert fb.passed, fb.message
    assert "right values, but return b as an array of shape (1,)" in fb.message
    assert got in fb.message, fb.message


def test_collapse_b_of_shape_1_has_no_note():
    assert "Note" not in check_collapse(collapse_ok).message
