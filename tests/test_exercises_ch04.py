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
    w, X, y = ch04.one_neuron_data()
    numeric = numerical_gradient(lambda: np.sum((y - sigmoid(X @ w)) ** 2), w)
    assert rel_error(ch04.grad_one_neuron_reference(w, X, y), numeric) < 1e-8


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
    W1, w2, X, y = ch04.hidden_data()

    def Q():
        return np.sum((y - sigmoid(sigmoid(X @ W1) @ w2)) ** 2)

    dW1, dw2 = ch04.grad_hidden_layer_reference(W1, w2, X, y)
    assert rel_error(dW1, numerical_gradient(Q, W1)) < 1e-7
    assert rel_error(dw2, numerical_gradient(Q, w2)) < 1e-7


def test_hidden_reference_passes():
    assert ch04.check_grad_hidden_layer(ch04.grad_hidden_layer_reference).passed


def _hidden(slip):
    """The hidden-layer gradient, right (slip=None) or with one named slip."""
    def grad(W1, w2, X, y):
        Z = X @ W1                      # pre-activations (N, H)
        A = sigmoid(Z)                  # activations
        p = sigmoid(A @ w2)
        dp = -2 * (y - p)
        r = dp * p * (1 - p)
        dw2 = A.T @ r
        dsig = A * (1 - A)
        outer = r[:, None] * w2[None, :]
        if slip == "w2":
            outer = r[:, None] * np.ones_like(w2)[None, :]
        elif slip == "a(1-a)":
            dsig = 1.0
        elif slip == "z(1-z)":
            dsig = Z * (1 - Z)
        elif slip == "p(1-p)":
            outer = dp[:, None] * w2[None, :]
        dW1 = X.T @ (outer * dsig)
        if slip == "transposed":
            dW1 = dW1.T
        return dW1, dw2
    return grad


def test_hidden_layer_has_more_units_than_inputs():
    W1, _, _, _ = ch04.hidden_data()
    assert W1.shape[0] != W1.shape[1]  # D != H: a transposed dW1 shows in its shape


def test_hidden_written_out_passes():
    assert ch04.check_grad_hidden_layer(_hidden(None)).passed


@pytest.mark.parametrize("wrong, words", [
    (_hidden("w2"), "factor w2_j is missing"),
    (_hidden("a(1-a)"), "a_j (1 - a_j) is missing"),
    (_hidden("z(1-z)"), "z (1 - z) with the pre-activation"),
    (_hidden("p(1-p)"), "output neuron's factor p (1 - p) is missing"),
    (_hidden("transposed"), "rows and columns swapped"),
    (lambda W1, w2, X, y: tuple(-g for g in ch04.grad_hidden_layer_reference(W1, w2, X, y)),
     "dw2 has the wrong sign"),
    (lambda W1, w2, X, y: ch04.grad_hidden_layer_reference(W1, w2, X, y)[0], "return a pair"),
])
def test_hidden_mistakes(wrong, words):
    fb = ch04.check_grad_hidden_layer(wrong)
    assert fb.status == "hint" and words in fb.message, fb


def test_hidden_transposed_names_both_shapes():
    message = ch04.check_grad_hidden_layer(_hidden("transposed")).message
    assert "(3, 4) expected" in message and "got (4, 3)" in message, message


def test_sigmoid_grad_z_times_one_minus_z_is_named():
    fb = ch04.check_sigmoid_grad(lambda z: z * (1 - z))
    assert fb.status == "hint" and "pre-activation" in fb.message, fb
