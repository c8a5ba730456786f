"""Chapter 4 checkers: the reference passes, typical chain-rule slips get their own hint."""

import numpy as np
import pytest

from mml4_lib.activations import sigmoid
from mml4_lib.exercises import ch04
from mml4_lib.gradcheck import numerical_gradient, rel_error


def _stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("checker", [ch04.check_sigmoid_grad, ch04.check_grad_one_neuron,
                                     ch04.check_grad_hidden_layer])
def test_stub_and_none_are_not_attempted(checker):
    assert checker(_stub).status == "not attempted"
    assert checker(None).status == "not attempted"


# ----------------------------------------------------------------------------- sigma'
def test_sigmoid_grad_reference_passes():
    assert ch04.check_sigmoid_grad(lambda z: sigmoid(z) * (1 - sigmoid(z))).passed
    # the other correct form, e^-z / (1 + e^-z)^2, passes too
    assert ch04.check_sigmoid_grad(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2).passed


@pytest.mark.parametrize("wrong, words", [
    (lambda z: sigmoid(z) * (1 - z), "you used z where sigma(z) belongs"),
    (lambda z: 1 - sigmoid(z), "factor sigma(z) is missing"),
    (lambda z: -sigmoid(z) * (1 - sigmoid(z)), "wrong sign"),
    (lambda z: 1 - np.tanh(z) ** 2, "derivative of tanh"),
    (lambda z: np.exp(-z) / (1 + np.exp(-z)), "must be squared"),
])
def test_sigmoid_grad_mistakes(wrong, words):
    fb = ch04.check_sigmoid_grad(wrong)
    assert fb.status == "hint" and words in fb.message, fb


# ----------------------------------------------------------------------------- one neuron
def _grad(w, X, y):
    p = sigmoid(X @ w)
    return X.T @ (-2 * (y - p) * p * (1 - p))


def test_one_neuron_reference_matches_numerical_gradient():
    w, X, y = ch04._one_neuron_data()
    numeric = numerical_gradient(lambda: np.sum((y - sigmoid(X @ w)) ** 2), w)
    assert rel_error(ch04._grad_one_neuron(w, X, y), numeric) < 1e-8


def test_one_neuron_reference_passes():
    assert ch04.check_grad_one_neuron(_grad).passed


@pytest.mark.parametrize("wrong, words", [
    (lambda w, X, y: -_grad(w, X, y), "wrong sign"),
    (lambda w, X, y: _grad(w, X, y) / len(X), "averaged"),
    (lambda w, X, y: _grad(w, X, y) / 2, "factor 2"),
    (lambda w, X, y: X.T @ (-2 * (y - sigmoid(X @ w))), "p (1 - p)"),
    (lambda w, X, y: _grad(w, X, y)[:, None], "got (3, 1)"),
    (lambda w, X, y: X * (-2 * (y - sigmoid(X @ w)) * sigmoid(X @ w)
                          * (1 - sigmoid(X @ w)))[:, None], "one gradient per example"),
])
def test_one_neuron_mistakes(wrong, words):
    fb = ch04.check_grad_one_neuron(wrong)
    assert fb.status == "hint" and words in fb.message, fb


# ----------------------------------------------------------------------------- hidden layer
def test_hidden_reference_matches_numerical_gradient():
    W1, w2, X, y = ch04._hidden_data()

    def Q():
        return np.sum((y - sigmoid(sigmoid(X @ W1) @ w2)) ** 2)

    dW1, dw2 = ch04.grad_hidden_layer_reference(W1, w2, X, y)
    assert rel_error(dW1, numerical_gradient(Q, W1)) < 1e-7
    assert rel_error(dw2, numerical_gradient(Q, w2)) < 1e-7


def test_hidden_reference_passes():
    assert ch04.check_grad_hidden_layer(ch04.grad_hidden_layer_reference).passed


def _without(factor):
    def grad(W1, w2, X, y):
        Z = sigmoid(X @ W1)
        p = sigmoid(Z @ w2)
        du = -2 * (y - p) * p * (1 - p)
        dw2 = Z.T @ du
        if factor == "w2":
            dW1 = X.T @ (du[:, None] * Z * (1 - Z))
        elif factor == "z(1-z)":
            dW1 = X.T @ (du[:, None] * w2)
        else:  # transposed
            dW1 = (X.T @ (du[:, None] * w2 * Z * (1 - Z))).T
        return dW1, dw2
    return grad


@pytest.mark.parametrize("wrong, words", [
    (_without("w2"), "factor w2_j is missing"),
    (_without("z(1-z)"), "z_j (1 - z_j) is missing"),
    (_without("transposed"), "shape (3, 3) expected"),
    (lambda W1, w2, X, y: tuple(-g for g in ch04.grad_hidden_layer_reference(W1, w2, X, y)),
     "dw2 has the wrong sign"),
    (lambda W1, w2, X, y: ch04.grad_hidden_layer_reference(W1, w2, X, y)[0], "return a pair"),
])
def test_hidden_mistakes(wrong, words):
    fb = ch04.check_grad_hidden_layer(wrong)
    assert fb.status == "hint" and words in fb.message, fb
