"""Chapter 10 checkers: the references pass, typical dropout slips get their own hint."""

import numpy as np
import pytest

from mml4_lib.exercises import ch10
from mml4_lib.layers import Dropout


def _stub(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("checker", [ch10.check_dropout_forward, ch10.check_dropout_backward,
                                     ch10.check_expected_output])
def test_stub_and_none_are_not_attempted(checker):
    assert checker(_stub).status == "not attempted"
    assert checker(None).status == "not attempted"


# ----------------------------------------------------------------------------- forward
def _forward(x, keep_prob, *, training, rng):
    if not training:
        return x
    return x * (rng.random(x.shape) < keep_prob) / keep_prob


def test_forward_reference_passes():
    assert ch10.check_dropout_forward(_forward).passed


def test_the_library_layer_passes():
    def forward(x, keep_prob, *, training, rng):
        layer = Dropout(keep_prob, rng=rng)
        return layer.train().forward(x) if training else layer.eval().forward(x)
    assert ch10.check_dropout_forward(forward).passed


def _variant(kind):
    def forward(x, p, *, training, rng):
        if not training:
            return {"test scale": x * p, "test divide": x / p,
                    "test drop": x * (rng.random(x.shape) < p) / p}.get(kind, x)
        if kind == "shared":
            return x * (rng.random(x.shape[1]) < p) / p
        if kind == "own rng":
            return x * (np.random.default_rng(0).random(x.shape) < p) / p
        mask = rng.random(x.shape) < p
        if kind == "wrong way":
            mask = rng.random(x.shape) < 1 - p
        if kind == "no mask":
            mask = np.ones(x.shape, dtype=bool)
        scale = {"times p": p, "classic": 1.0, "one minus": 1 / (1 - p)}.get(kind, 1 / p)
        return x * mask * scale
    return forward


@pytest.mark.parametrize("kind, words", [
    ("times p", "multiplied by p"),
    ("wrong way", "compared the wrong way"),
    ("test scale", "returns x unchanged"),
    ("test divide", "returns x unchanged"),
    ("test drop", "no unit is dropped"),
    ("classic", "not rescaled"),
    ("one minus", "divided by 1 - p"),
    ("shared", "every example dropped the same units"),
    ("own rng", "not from a generator of your own"),
    ("no mask", "no unit was dropped"),
])
def test_forward_mistakes(kind, words):
    fb = ch10.check_dropout_forward(_variant(kind))
    assert fb.status == "hint" and words in fb.message, fb


def test_forward_wrong_shape():
    fb = ch10.check_dropout_forward(lambda x, p, *, training, rng: x.T)
    assert fb.status == "hint" and "shape (400, 250) expected" in fb.message


# ----------------------------------------------------------------------------- backward
def test_backward_reference_passes_and_matches_the_layer():
    dout, mask, p = ch10._backward_data()
    assert ch10.check_dropout_backward(lambda d, m, p: d * m / p).passed
    layer = Dropout(p, rng=np.random.default_rng(0))
    layer.forward(np.ones_like(dout))
    np.testing.assert_allclose(layer.backward(dout), dout * layer.mask / p)


@pytest.mark.parametrize("wrong, words", [
    (lambda d, m, p: d * m, "scale 1/keep_prob is missing"),
    (lambda d, m, p: d * m * p, "multiplied by p"),
    (lambda d, m, p: d / p, "the mask is missing"),
    (lambda d, m, p: d * ~m / p, "mask is inverted"),
])
def test_backward_mistakes(wrong, words):
    fb = ch10.check_dropout_backward(wrong)
    assert fb.status == "hint" and words in fb.message, fb


# ----------------------------------------------------------------------------- expectation
def test_enumeration_equals_the_weight_scaling_rule():
    x, W, p = ch10._expected_data()
    np.testing.assert_allclose(ch10._expected_by_enumeration(x, W, p), p * x @ W, atol=1e-12)


def test_expected_reference_passes():
    assert ch10.check_expected_output(ch10._expected_by_enumeration).passed


@pytest.mark.parametrize("wrong, words", [
    (lambda x, W, p: 0.5 * x @ W, "same weight 1 / 2^D"),
    (lambda x, W, p: (1 - p) * x @ W, "probabilities are swapped"),
    (lambda x, W, p: x @ W, "network without dropout"),
    (lambda x, W, p: x @ W / p, "inverted-dropout scaling"),
])
def test_expected_mistakes(wrong, words):
    fb = ch10.check_expected_output(wrong)
    assert fb.status == "hint" and words in fb.message, fb
