"""Chapter 5 checkers: the reference passes, typical mistakes get their hint, stubs are "to do"."""

import numpy as np
import pytest

from mml4_lib.activations import sigmoid
from mml4_lib.exercises import NOT_ATTEMPTED
from mml4_lib.exercises.ch05 import (
    centered_difference_reference,
    check_centered_difference,
    check_linear_backward,
    check_sigmoid_backward,
    linear_backward_reference,
    sigmoid_backward_reference,
)
from mml4_lib.gradcheck import numerical_gradient, rel_error
from mml4_lib.layers import Linear


def _stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check", [check_sigmoid_backward, check_linear_backward,
                                   check_centered_difference])
def test_stub_is_not_attempted(check):
    fb = check(_stub)
    assert fb.status == "not attempted" and fb.message == NOT_ATTEMPTED
    assert check(None).status == "not attempted"


# ----------------------------------------------------------------------------- references
def test_sigmoid_reference_matches_centered_differences():
    # independent of the checker: differentiate sum(sigmoid(x) * dout) numerically
    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    numeric = numerical_gradient(lambda: float(np.sum(sigmoid(x) * dout)), x)
    assert rel_error(sigmoid_backward_reference(sigmoid(x), dout), numeric) < 1e-8


def test_linear_reference_matches_the_library_layer():
    rng = np.random.default_rng(1)
    layer = Linear(3, 2, rng=rng)
    x, dout = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    layer.forward(x)
    dx = layer.backward(dout)
    ref = linear_backward_reference(x, layer.params["W"], dout)
    np.testing.assert_allclose(ref[0], dx)
    np.testing.assert_allclose(ref[1], layer.grads["W"])
    np.testing.assert_allclose(ref[2], layer.grads["b"])


def test_centered_difference_reference_is_centered_and_restores_x():
    x = np.array([0.2, -1.0])
    grad = centered_difference_reference(lambda v: float(v[0] ** 3 + 2 * v[1]), x, 1e-3)
    # centered difference of t^3 is exactly 3 t^2 + h^2
    np.testing.assert_allclose(grad, [3 * 0.04 + 1e-6, 2.0], rtol=1e-9)
    assert x.tolist() == [0.2, -1.0]


# ----------------------------------------------------------------------------- sigmoid layer
def test_sigmoid_reference_passes():
    assert check_sigmoid_backward(sigmoid_backward_reference).passed


@pytest.mark.parametrize("fn, words", [
    (lambda out, dout: out * (1 - out), "multiplies it by the upstream gradient"),
    (lambda out, dout: -dout * out * (1 - out), "wrong sign"),
    (lambda out, dout: dout * sigmoid(out) * (1 - sigmoid(out)), "applied the sigmoid to out"),
    (lambda out, dout: dout * out, "factor (1 - out) is missing"),
    (lambda out, dout: dout * (1 - out**2), "derivative of tanh"),
    (lambda out, dout: dout @ (out * (1 - out)).T, "not a matrix product"),
    (lambda out, dout: (dout * out * (1 - out)).sum(axis=1), "shape (5, 2) expected, got (5,)"),
    (lambda out, dout: dout * out * (1 - out) + 0.1, "wrong values"),
])
def test_sigmoid_typical_mistakes(fn, words):
    fb = check_sigmoid_backward(fn)
    assert fb.status == "hint" and words in fb.message, fb.message


# ----------------------------------------------------------------------------- linear layer
def test_linear_reference_passes():
    fb = check_linear_backward(linear_backward_reference)
    assert fb.passed, fb.message


def test_linear_accepts_a_list():
    assert check_linear_backward(lambda x, W, d: list(linear_backward_reference(x, W, d))).passed


def _with(dx=None, dW=None, db=None):
    def fn(x, W, dout):
        ref = linear_backward_reference(x, W, dout)
        return (ref[0] if dx is None else dx(x, W, dout),
                ref[1] if dW is None else dW(x, W, dout),
                ref[2] if db is None else db(x, W, dout))
    return fn


@pytest.mark.parametrize("fn, words", [
    (_with(db=lambda x, W, d: d), "db has shape (N, H) = (5, 2)"),
    (_with(db=lambda x, W, d: d.mean(axis=0)), "db is averaged"),
    (_with(db=lambda x, W, d: d.sum(axis=1)), "summed over the wrong axis"),
    (_with(db=lambda x, W, d: d.sum()), "summed over everything"),
    (_with(db=lambda x, W, d: d.sum(axis=0, keepdims=True)), "without keepdims"),
    (_with(db=lambda x, W, d: -d.sum(axis=0)), "db has the wrong sign"),
    (_with(dW=lambda x, W, d: d.T @ x), "dW must have W's shape (D, H) = (3, 2), got (2, 3)"),
    (_with(dW=lambda x, W, d: -x.T @ d), "dW has the wrong sign"),
    (_with(dW=lambda x, W, d: x.T @ d / len(x)), "dW is divided by N"),
    (_with(dx=lambda x, W, d: W @ d.T), "dx: shape (N, D) = (5, 3) expected, got (3, 5)"),
    (_with(dx=lambda x, W, d: -d @ W.T), "dx has the wrong sign"),
    (_with(dx=lambda x, W, d: d @ W), "Check the shapes"),  # raises: (5, 2) @ (3, 2)
    (lambda x, W, d: (d @ W.T, x.T @ d), "return three arrays (dx, dW, db), got tuple of length 2"),
    (_with(dW=lambda x, W, d: x.T @ d + 1), "dW has the right shape but wrong values"),
])
def test_linear_typical_mistakes(fn, words):
    fb = check_linear_backward(fn)
    assert fb.status == "hint" and words in fb.message, fb.message


# ----------------------------------------------------------------------------- gradient check
def test_centered_difference_reference_passes():
    assert check_centered_difference(centered_difference_reference).passed


def test_library_style_loop_passes():
    def with_copies(f, x, h):
        return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))])
    assert check_centered_difference(with_copies).passed


def _forward(f, x, h):
    fx = f(x)
    return np.array([(f(x + h * e) - fx) / h for e in np.eye(len(x))])


def _backward(f, x, h):
    fx = f(x)
    return np.array([(fx - f(x - h * e)) / h for e in np.eye(len(x))])


def _over_h(f, x, h):
    return np.array([(f(x + h * e) - f(x - h * e)) / h for e in np.eye(len(x))])


def _no_restore(f, x, h):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        grad[i] = (f_plus - f(x)) / (2 * h)
    return grad


def _wrong_sign(f, x, h):
    return np.array([(f(x - h * e) - f(x + h * e)) / (2 * h) for e in np.eye(len(x))])


@pytest.mark.parametrize("fn, words", [
    (_forward, "forward difference"),
    (_backward, "backward difference"),
    (_over_h, "divide by 2h, not h"),
    (_no_restore, "changed x"),
    (_wrong_sign, "wrong sign"),
    (lambda f, x, h: f(x), "shape (3,) expected, got ()"),
])
def test_centered_difference_typical_mistakes(fn, words):
    fb = check_centered_difference(fn)
    assert fb.status == "hint" and words in fb.message, fb.message
