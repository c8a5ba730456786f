"""The shared checker machinery: stubs, crashes and array comparisons give specific feedback."""

import numpy as np

from mml4_lib.exercises import NOT_ATTEMPTED, attempt, check_array


def _stub(x):
    raise NotImplementedError


def test_stub_is_not_attempted():
    value, fb = attempt(_stub, 1)
    assert value is None and fb.status == "not attempted" and NOT_ATTEMPTED in repr(fb)


def test_crash_becomes_a_hint_naming_the_exception():
    value, fb = attempt(lambda x: 1 / 0, 1)
    assert fb.status == "hint" and "ZeroDivisionError" in fb.message


def test_missing_return_is_named():
    _, fb = attempt(lambda x: None, 1)
    assert "return" in fb.message


def test_success_returns_value():
    value, fb = attempt(lambda x: x + 1, 1)
    assert value == 2 and fb is None


def test_check_array_shape_hint():
    fb = check_array(np.zeros(3), np.zeros((3, 1)), "grad")
    assert fb.message == "grad: shape (3, 1) expected, got (3,)"


def test_check_array_value_hint_and_pass():
    fb = check_array(np.array([1.0, 2.0]), np.array([1.0, 3.0]), "w")
    assert "index (1,)" in fb.message and "expected 3" in fb.message
    assert check_array(np.array([1.0, 3.0]), np.array([1.0, 3.0]), "w") is None


def test_check_array_nan_and_none():
    assert "NaN" in check_array(np.array([np.nan]), np.array([1.0]), "z").message
    assert check_array(None, np.array([1.0]), "z").status == "not attempted"


def test_known_mistake_names_the_first_matching_wrong_answer():
    from mml4_lib.exercises import diagnose, known_mistake

    expected = np.array([1.0, 2.0])
    candidates = [(-expected, "wrong sign"), (2 * expected, "factor 2")]
    assert known_mistake(2 * expected, candidates) == "factor 2"
    assert known_mistake(expected + 5, candidates) is None
    assert diagnose(-expected, expected, "g", candidates).message == "wrong sign"
    assert "wrong values" in diagnose(expected + 5, expected, "g", candidates).message
    assert diagnose(expected, expected, "g", candidates) is None
