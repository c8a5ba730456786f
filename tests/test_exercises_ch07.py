"""Chapter 7 checkers: the reference passes, typical slips get their own hint, stubs are to do."""

import numpy as np
import pytest

from mml4_lib.exercises import ch07


def _stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("checker", [ch07.check_leaky_relu_grad, ch07.check_dead_units])
def test_stub_and_none_are_not_attempted(checker):
    assert checker(_stub).status == "not attempted"
    assert checker(None).status == "not attempted"


# ----------------------------------------------------------------------------- Leaky ReLU'
def test_leaky_relu_grad_reference_passes():
    assert ch07.check_leaky_relu_grad(lambda z, alpha: np.where(z > 0, 1.0, alpha)).passed
    # written another way (and with z >= 0 at the kink, which the checker does not test)
    assert ch07.check_leaky_relu_grad(
        lambda z, alpha: (z >= 0) + alpha * (z < 0)).passed


@pytest.mark.parametrize("wrong, words", [
    (lambda z, alpha: np.where(z > 0, alpha, 1.0), "slopes are swapped"),
    (lambda z, alpha: np.ones_like(z), "alpha = 1"),
    (lambda z, alpha: (z > 0).astype(float), "ReLU's derivative"),
    (lambda z, alpha: np.where(z > 0, z, alpha * z), "leaky_relu(z) itself"),
    (lambda z, alpha: np.where(z > 0, 1.0, -alpha), "+alpha"),
    (lambda z, alpha: np.where(z > 0, 1.0, 0.01), "use the alpha passed in"),
    (lambda z, alpha: np.where(z > 0, 1.0, alpha).ravel(), "z's shape"),
    (lambda z, alpha: 1.0, "one number"),
    (lambda z, alpha: np.where(z > 0, 2.0, alpha), "wrong values"),
])
def test_leaky_relu_grad_mistakes(wrong, words):
    fb = ch07.check_leaky_relu_grad(wrong)
    assert fb.status == "hint" and words in fb.message, fb


def test_leaky_relu_grad_crash_is_a_hint():
    fb = ch07.check_leaky_relu_grad(lambda z, alpha: z.nonexistent)
    assert fb.status == "hint" and "AttributeError" in fb.message


# ----------------------------------------------------------------------------- dead units
def test_dead_units_reference_values():
    np.testing.assert_array_equal(ch07.dead_units_reference(ch07.dead_data()),
                                  [False, True, True, False, True])


def test_dead_units_reference_passes():
    assert ch07.check_dead_units(ch07.dead_units_reference).passed
    assert ch07.check_dead_units(lambda Z: ~np.any(Z > 0, axis=0)).passed
    fb = ch07.check_dead_units(lambda Z: (Z <= 0).all(axis=0).astype(int))
    assert fb.passed and "boolean mask" in fb.message


@pytest.mark.parametrize("wrong, words", [
    (lambda Z: np.any(Z <= 0, axis=0), "use all, not any"),
    (lambda Z: np.all(Z < 0, axis=0), "z <= 0"),
    (lambda Z: np.all(Z <= 0, axis=1), "axis=0"),
    (lambda Z: np.any(Z > 0, axis=0), "inverted"),
    (lambda Z: np.all(Z <= 0, axis=0).sum(), "not the count"),
    (lambda Z: np.all(Z <= 0, axis=0).mean(), "not the share"),
    (lambda Z: np.zeros(5, dtype=bool), "wrong values"),
])
def test_dead_units_mistakes(wrong, words):
    fb = ch07.check_dead_units(wrong)
    assert fb.status == "hint" and words in fb.message, fb
