"""Chapter 3 checkers: the reference passes, typical mistakes get their hint, stubs are to-do."""

from itertools import pairwise

import numpy as np
import pytest

from mml4_lib.activations import sigmoid, tanh
from mml4_lib.exercises import ch03


def _stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("checker", [ch03.check_neuron_forward, ch03.check_bump,
                                     ch03.check_count_parameters])
def test_stub_and_none_are_not_attempted(checker):
    assert checker(_stub).status == "not attempted"
    assert checker(None).status == "not attempted"


# ----------------------------------------------------------------------------- neuron forward
def test_neuron_forward_reference_passes():
    fb = ch03.check_neuron_forward(lambda X, w, w0: 1 / (1 + np.exp(-(X @ w + w0))))
    assert fb.passed, fb


@pytest.mark.parametrize("wrong, words", [
    (lambda X, w, w0: sigmoid(X @ w), "bias w0 is missing"),
    (lambda X, w, w0: X @ w + w0, "no activation"),
    (lambda X, w, w0: tanh(X @ w + w0), "not tanh"),
    (lambda X, w, w0: np.maximum(X @ w + w0, 0), "not ReLU"),
    (lambda X, w, w0: sigmoid(X @ w - w0), "plus sign"),
    (lambda X, w, w0: sigmoid(X @ w[:, None] + w0), "shape (5,) expected, got (5, 1)"),
    (lambda X, w, w0: sigmoid((X @ w)[:, None] + X @ w * 0 + w0), "broadcasting"),
    (lambda X, w, w0: sigmoid(X @ w + 2 * w0), "wrong values"),
])
def test_neuron_forward_mistakes_get_specific_hints(wrong, words):
    fb = ch03.check_neuron_forward(wrong)
    assert fb.status == "hint" and words in fb.message, fb


def test_neuron_forward_crash_is_a_hint():
    fb = ch03.check_neuron_forward(lambda X, w, w0: X.T @ w)
    assert fb.status == "hint" and "ValueError" in fb.message


# ----------------------------------------------------------------------------- bump
def _bump(x, left, right, height, s):
    return height * (sigmoid(s * (x - left)) - sigmoid(s * (x - right)))


def test_bump_reference_passes():
    assert ch03.check_bump(_bump).passed


@pytest.mark.parametrize("wrong, words", [
    (lambda x, l, r, h, s: -_bump(x, l, r, h, s), "points down"),
    (lambda x, l, r, h, s: _bump(x, l, r, 1.0, s), "height is missing"),
    (lambda x, l, r, h, s: h * (sigmoid(s * x - l) - sigmoid(s * x - r)), "wrong place"),
    (lambda x, l, r, h, s: h * sigmoid(s * (x - l)), "only one step"),
    (lambda x, l, r, h, s: _bump(x, l, r, h, 1.0), "steepness s is not used"),
])
def test_bump_mistakes_get_specific_hints(wrong, words):
    fb = ch03.check_bump(wrong)
    assert fb.status == "hint" and words in fb.message, fb


# ----------------------------------------------------------------------------- counting
def _count(sizes):
    return sum((a + 1) * b for a, b in pairwise(sizes))


def test_count_parameters_reference_passes():
    assert ch03.check_count_parameters(_count).passed
    assert ch03.check_count_parameters(lambda s: float(_count(s))).passed


def test_count_parameters_known_value():
    # [2, 3, 1]: hidden 2*3 weights + 3 biases, output 3*1 + 1 = 13
    assert ch03.count_parameters_reference([2, 3, 1]) == 13


@pytest.mark.parametrize("wrong, words", [
    (lambda s: sum(a * b for a, b in pairwise(s)), "not the biases"),
    (lambda s: _count(s) + s[0], "inputs biases"),
    (lambda s: sum(s), "counted units"),
    (lambda s: _count(s) + 1, "expected 13 parameters, got 14"),
    (lambda s: str(_count(s)), "the count is a str; expected one number"),
])
def test_count_parameters_mistakes_get_specific_hints(wrong, words):
    fb = ch03.check_count_parameters(wrong)
    assert fb.status == "hint" and words in fb.message, fb
