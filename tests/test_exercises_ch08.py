"""Chapter 8 checkers: the reference passes, typical slips get their own hint, stubs are to do."""

import math

import numpy as np
import pytest

from mml4_lib.exercises import ch08


def _stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("checker", [ch08.check_init_std, ch08.check_relu_variances])
def test_stub_and_none_are_not_attempted(checker):
    assert checker(_stub).status == "not attempted"
    assert checker(None).status == "not attempted"


# ----------------------------------------------------------------------------- init std
def _std(scheme, fan_in, fan_out):
    """Independent reference written out in the notebook's words."""
    return {"lecun": 1 / math.sqrt(fan_in), "xavier": math.sqrt(2 / (fan_in + fan_out)),
            "he": math.sqrt(2 / fan_in)}[scheme]


def _with(scheme, wrong):
    """The reference, except for one scheme, which gets the wrong formula."""
    return lambda s, n_in, n_out: wrong(n_in, n_out) if s == scheme else _std(s, n_in, n_out)


def test_init_std_reference_passes():
    assert ch08.check_init_std(_std).passed
    # numpy floats (even float32) are numbers too
    assert ch08.check_init_std(lambda s, a, b: np.float32(_std(s, a, b))).passed


@pytest.mark.parametrize("fn, words", [
    (_with("he", lambda a, b: 1 / math.sqrt(a)), "factor 2 is missing"),
    (_with("he", lambda a, b: math.sqrt(2 / b)), "He uses fan_in"),
    (_with("xavier", lambda a, b: math.sqrt(6 / (a + b))), "the bound r = sqrt(6"),
    (_with("he", lambda a, b: 2 / a), "you returned the variance"),
    (_with("xavier", lambda a, b: 1 / math.sqrt(a + b)), "factor 2 is missing"),
    (_with("xavier", lambda a, b: 2 / (a + b)), "you returned the variance"),
    (_with("xavier", lambda a, b: math.sqrt(2 / (a * b))), "adds the fans"),
    (_with("lecun", lambda a, b: 1 / math.sqrt(b)), "not fan_out"),
    (_with("lecun", lambda a, b: 1 / a), "you returned the variance"),
    (_with("lecun", lambda a, b: 0.5), "expected 0.057735"),
    (_with("lecun", lambda a, b: np.ones(3)), "return one number"),
])
def test_init_std_mistakes(fn, words):
    fb = ch08.check_init_std(fn)
    assert fb.status == "hint" and words in fb.message, fb


def test_init_std_names_the_scheme_in_the_hint():
    fb = ch08.check_init_std(_with("he", lambda a, b: 1 / math.sqrt(a)))
    assert fb.message.startswith("he:")


# ----------------------------------------------------------------------------- variances
def _variances(var_x, n, s, depth):
    """Independent reference: a loop over the layers."""
    out, v = [], var_x
    for layer in range(depth):
        v = n * s**2 * v * (0.5 if layer > 0 else 1.0)
        out.append(v)
    return np.array(out)


def test_relu_variances_reference_agrees_with_a_loop():
    np.testing.assert_allclose(ch08.relu_variances_reference(1.5, 50, 0.3, 4),
                               _variances(1.5, 50, 0.3, 4))
    assert ch08.check_relu_variances(_variances).passed


@pytest.mark.parametrize("wrong, words", [
    (lambda v, n, s, d: _variances(v, n, math.sqrt(s), d), "must be squared"),
    (lambda v, n, s, d: v * (n * s**2) ** np.arange(1, d + 1), "factor 1/2 is missing"),
    (lambda v, n, s, d: v * (n * s**2 / 2) ** np.arange(1, d + 1), "first layer sees the inputs"),
    (lambda v, n, s, d: np.concatenate([[v], _variances(v, n, s, d)]), "without Var(x)"),
    (lambda v, n, s, d: np.concatenate([[v], _variances(v, n, s, d - 1)]), "one layer early"),
    (lambda v, n, s, d: np.sqrt(_variances(v, n, s, d)), "standard deviations"),
    (lambda v, n, s, d: _variances(v, n, s, d) * 1.1, "wrong values"),
])
def test_relu_variances_mistakes(wrong, words):
    fb = ch08.check_relu_variances(wrong)
    assert fb.status == "hint" and words in fb.message, fb
