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
        if kind == "global rng":
            return x * (np.random.random(x.shape) < p) / p  # noqa: NPY002 (the slip tested)
        if kind == "per example":
            return x * (rng.random((x.shape[0], 1)) < p) / p
        if kind == "fixed per row":
            k = round(p * x.shape[1])
            mask = np.argsort(rng.random(x.shape), axis=1) < k
            return x * mask / p
        if kind == "fixed total":
            mask = np.zeros(x.size, dtype=bool)
            mask[rng.choice(x.size, size=round(p * x.size), replace=False)] = True
            return x * mask.reshape(x.shape) / p
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
    ("global rng", "the same seed gave different masks"),
    ("per example", "one mask entry per example"),
    ("fixed per row", "every example kept exactly 200 of its 250 units"),
    ("fixed total", "every call kept exactly 80000 of the 100000 entries"),
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
    dout, mask, p = ch10.backward_data()
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
def test_enumeration_equals_the_weight_scaling_rule_for_a_linear_layer():
    x, W, p = ch10.expected_data()
    np.testing.assert_allclose(ch10.expected_by_enumeration(lambda v: v @ W, x, p),
                               p * x @ W, atol=1e-12)


def test_enumeration_differs_from_the_weight_scaling_rule_for_a_relu_layer():
    x, W, p = ch10.expected_data()

    def relu_layer(v):
        return np.maximum(v @ W, 0)

    gap = np.abs(ch10.expected_by_enumeration(relu_layer, x, p) - p * relu_layer(x)).max()
    assert gap > 0.05  # the checker's data tell the shortcut from the average


def _loop(f, x, keep_prob):
    from itertools import product

    D = x.shape[1]
    total = 0.0
    for bits in product((0, 1), repeat=D):
        m = np.array(bits)
        k = m.sum()
        total = total + keep_prob**k * (1 - keep_prob) ** (D - k) * f(m * x)
    return total


def _one_batch(f, x, keep_prob):
    # all 2^D masks in one call of f: a correct, vectorized answer
    from itertools import product

    N, D = x.shape
    masks = np.array(list(product((0, 1), repeat=D)))          # (2^D, D)
    probs = keep_prob ** masks.sum(1) * (1 - keep_prob) ** (D - masks.sum(1))
    out = f((masks[:, None, :] * x[None]).reshape(-1, D))     # (2^D N, C)
    return np.einsum("m,mnc->nc", probs, out.reshape(len(masks), N, -1))


@pytest.mark.parametrize("answer", [_loop, ch10.expected_by_enumeration, _one_batch])
def test_expected_right_answers_pass(answer):
    fb = ch10.check_expected_output(answer)
    assert fb.passed, fb


@pytest.mark.parametrize("wrong, words", [
    (lambda f, x, p: 0.5 * f(x), "same weight 1 / 2^D"),
    (lambda f, x, p: (1 - p) * f(x), "probabilities are swapped"),
    (lambda f, x, p: f(x), "network without dropout"),
    (lambda f, x, p: f(x) / p, "inverted-dropout scaling"),
    (lambda f, x, p: p * f(x), "saw only 1 of the 2^6 = 64 masks"),
    (lambda f, x, p: f(p * x), "saw only 1 of the 2^6 = 64 masks"),
    (lambda f, x, p: _loop(f, x, 0.5), "same weight 1 / 2^D"),
])
def test_expected_mistakes(wrong, words):
    fb = ch10.check_expected_output(wrong)
    assert fb.status == "hint" and words in fb.message, fb


def test_expected_shortcut_that_hides_the_layer_calls_is_caught_by_the_relu_layer():
    # A shortcut that calls f on every mask but ignores the results: right for the linear
    # layer (it returns p f(x)), and named at the ReLU layer.
    def sneaky(f, x, p):
        _loop(f, x, p)
        return p * f(x)

    fb = ch10.check_expected_output(sneaky)
    assert fb.status == "hint" and "p * f(x), the weight-scaled network" in fb.message, fb
