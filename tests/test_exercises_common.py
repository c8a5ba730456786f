"""The shared checker machinery: stubs, crashes and array comparisons give specific feedback."""

import importlib
import warnings

import numpy as np
import pytest

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


# --- no learner function makes a checker raise --------------------------------------------

CHAPTERS = [f"ch{i:02d}" for i in range(1, 11)] + ["ch05b"]
CHECKERS = [
    (chapter, name)
    for chapter in CHAPTERS
    for name in importlib.import_module(f"mml4_lib.exercises.{chapter}").__all__
    if name.startswith("check_")
]
# The checkers whose function returns a tuple: the hostile values go inside it.
ARITY = {"check_log_loss_grad": 2, "check_collapse": 2, "check_grad_hidden_layer": 2,
         "check_half_squared_error": 2, "check_linear_backward": 3,
         "check_batchnorm_backward": 3}
CONFIG_CHECKERS = {"check_xor_config"}  # take a config value, not a function


def _raise(*args, **kwargs):
    raise RuntimeError("boom")


# (id, value the learner's function returns, words of which the hint must name one)
HOSTILE = [
    ("str", "abc", ["str"]),
    ("None", None, ["None"]),
    ("complex", np.full(5, 1 + 2j), ["complex"]),
    ("dict", {"a": 1}, ["dict"]),
    ("object-array", np.array([object(), object()], dtype=object), ["object"]),
    ("ragged", [[1.0, 2.0], [3.0]], ["cannot be read as numbers", "ragged", "inhomogeneous"]),
    ("wrong-shape", np.zeros((7, 7, 7)), ["shape", "one number"]),
    ("nan", float("nan"), ["NaN", "shape"]),
    ("nan-array", np.full((6, 4), np.nan), ["NaN", "shape"]),
]


def test_every_checker_is_listed():
    assert len(CHECKERS) >= 24
    assert set(ARITY) | CONFIG_CHECKERS <= {name for _, name in CHECKERS}


@pytest.mark.parametrize("chapter, name", CHECKERS, ids=[n for _, n in CHECKERS])
@pytest.mark.parametrize("case, value, words", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_learner_function_gives_a_hint_naming_the_problem(chapter, name, case, value,
                                                                  words):
    checker = getattr(importlib.import_module(f"mml4_lib.exercises.{chapter}"), name)
    if name in CONFIG_CHECKERS:
        learner = value
    else:
        arity = ARITY.get(name, 1)
        result = value if arity == 1 else (value,) * arity

        def learner(*args, **kwargs):
            return result

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a leaked NumPy warning (ComplexWarning, ...) fails
        fb = checker(learner)
    if name in CONFIG_CHECKERS:
        assert fb.status in ("hint", "not attempted")
        return
    assert fb.status == "hint", fb
    assert any(word in fb.message for word in words), fb.message


@pytest.mark.parametrize("chapter, name", CHECKERS, ids=[n for _, n in CHECKERS])
def test_learner_function_that_raises_gives_a_hint_naming_the_exception(chapter, name):
    checker = getattr(importlib.import_module(f"mml4_lib.exercises.{chapter}"), name)
    if name in CONFIG_CHECKERS:
        pytest.skip("takes a config, not a function")
    fb = checker(_raise)
    assert fb.status == "hint" and "RuntimeError: boom" in fb.message


@pytest.mark.parametrize("expected, got", [
    (1.8398649, 1.8398751),   # six digits: 1.83986 and 1.83988, which looks like rounding
    (1.839860, 1.839862),     # six digits: the same string twice
    (0.1 + 0.2, 0.3),
])
def test_check_array_prints_enough_digits_to_show_the_difference(expected, got):
    fb = check_array(np.array([got]), np.array([expected]), "v", rtol=0, atol=0)
    shown_expected, shown_got = fb.message.split("expected ")[1].split(", got ")
    assert float(shown_expected) != float(shown_got), fb.message
    # the difference shows in at least two digits of each number
    assert abs((float(shown_expected) - float(shown_got)) - (expected - got)) \
        <= 0.1 * abs(expected - got), fb.message


def test_format_pair_keeps_six_digits_for_clearly_different_numbers():
    from mml4_lib.exercises import format_pair

    assert format_pair(1.0, 3.0) == ("1", "3")
    assert format_pair(0.25, 0.5) == ("0.25", "0.5")
