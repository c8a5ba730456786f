"""Checkers for the code exercises: specific feedback instead of a bare pass/fail.

A code exercise has a stub cell that the learner fills in and a check cell that calls a checker
from ``mml4_lib.exercises.<chapter>``. A checker returns a :class:`Feedback`, which the notebook
shows as one line: a success line, a specific hint, or "not attempted yet" for a stub that was
left as it is. Checkers never raise because of the learner's code.

Conventions for stubs: a function stub raises ``NotImplementedError``; a value stub is ``None``.
Every value a learner's function returns is read through :func:`as_array`, which turns an odd
value (a str, a dict, None, a complex or object array, a ragged list) into a specific hint.
"""

from __future__ import annotations

import importlib
import re
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Feedback", "passed", "hint", "NOT_ATTEMPTED", "attempt", "as_array", "check_array",
    "matches", "known_mistake", "diagnose", "format_pair", "shape_note",
]

NOT_ATTEMPTED = "not attempted yet"


@dataclass(frozen=True)
class Feedback:
    """The outcome of a checker: ``status`` is "pass", "hint" or "not attempted"."""

    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def __repr__(self) -> str:
        mark = {"pass": "[correct]", "hint": "[not yet]", "not attempted": "[to do]"}[self.status]
        return f"{mark} {self.message}"

    __str__ = __repr__


def passed(message: str) -> Feedback:
    """A success line."""
    return Feedback("pass", message)


def hint(message: str) -> Feedback:
    """A specific hint about what is wrong."""
    return Feedback("hint", message)


def attempt(fn, *args, **kwargs):
    """Call the learner's function; a stub or a crash becomes Feedback, not an exception.

    Returns ``(value, None)`` on success and ``(None, feedback)`` otherwise.
    """
    if fn is None:
        return None, Feedback("not attempted", NOT_ATTEMPTED)
    if not callable(fn):
        return None, hint(f"expected a function, got {type(fn).__name__}")
    try:
        value = fn(*args, **kwargs)
    except NotImplementedError:
        return None, Feedback("not attempted", NOT_ATTEMPTED)
    except Exception as exc:  # the learner's code may fail in any way; report it as a hint
        return None, hint(f"your code raised {type(exc).__name__}: {exc}")
    if value is None:
        return None, hint("your function returned None; did you forget `return`?")
    return value, None


def _expected(shape):
    if shape is None:
        return "an array of numbers"
    return "one number" if shape == () else f"an array of shape {shape}"


def as_array(value, name: str = "your function's result", *, shape=None):
    """Read a learner's value as a float array: ``(array, None)``, or ``(None, hint)`` if not.

    The one guarded conversion the checkers use, so that no return value, however odd, makes a
    checker raise or leak a NumPy warning (a ``ComplexWarning``, say). ``name`` is what the hint
    calls the value; ``shape`` (``()`` for a number) is the shape the hint says was expected.
    """
    expected = _expected(shape)
    if value is None:
        return None, hint(f"{name} is None; expected {expected} (did you forget `return`?)")
    if isinstance(value, (str, bytes, dict, set)) or callable(value):
        return None, hint(f"{name} is a {type(value).__name__}; expected {expected}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any conversion warning becomes the hint below
            array = np.asarray(value)
            if array.dtype.kind == "c":
                return None, hint(f"{name} has complex numbers (dtype {array.dtype}); expected "
                                  f"{expected} of real numbers")
            if array.dtype.kind not in "biuf":
                return None, hint(f"{name} is a {type(value).__name__} of dtype {array.dtype}, "
                                  f"not numbers; expected {expected}")
            return array.astype(float), None
    except Exception as exc:  # a ragged list, an object whose __array__ fails, ...
        return None, hint(f"{name} cannot be read as numbers ({type(exc).__name__}: {exc}); "
                          f"expected {expected}")


def format_pair(expected, got) -> tuple[str, str]:
    """Two numbers as strings with enough significant digits to show how they differ.

    At a fixed ``%.6g`` two numbers that differ in the 6th digit print as 1.83986 and 1.83988
    (is that a rounding?) or, closer still, as the same string. Here the precision is at least
    6 and grows (up to 17) until the difference shows in two digits of each number.
    """
    expected, got = float(expected), float(got)
    digits = 6
    difference = abs(expected - got)
    scale = max(abs(expected), abs(got))
    if np.isfinite(scale) and difference > 0:
        digits = int(np.clip(np.ceil(np.log10(scale / difference)) + 2, 6, 17))
    style = f"#.{digits}g" if digits > 6 else f".{digits}g"  # '#' keeps trailing zeros
    return format(expected, style), format(got, style)


def shape_note(raw, name: str, shape: tuple, why: str) -> str:
    """A note for an answer whose values are right but which is not an array of ``shape``.

    Returns "" when ``raw`` (the learner's value, before any conversion) is a NumPy array of
    ``shape``; otherwise a sentence to append to the success line, saying what came instead.
    ``why`` says where the shape comes from ("the shape of b").
    """
    if isinstance(raw, np.ndarray) and raw.shape == shape:
        return ""
    what = (f"an array of shape {raw.shape}" if isinstance(raw, np.ndarray)
            else f"a {type(raw).__name__}")
    return (f". Note: right values, but return {name} as an array of shape {shape}, {why} "
            f"(got {what})")


def check_array(got, expected, name: str, *, rtol: float = 1e-6, atol: float = 1e-8):
    """Compare an array answer: type, shape, finiteness, then values, each with its own hint.

    Returns ``None`` when ``got`` matches ``expected`` and a hint :class:`Feedback` otherwise.
    """
    if got is None:  # a value stub left as it is
        return Feedback("not attempted", NOT_ATTEMPTED)
    expected = np.asarray(expected, dtype=float)
    got, fb = as_array(got, name, shape=expected.shape)
    if fb is not None:
        return fb
    if got.shape != expected.shape:
        return hint(f"{name}: shape {expected.shape} expected, got {got.shape}")
    if not np.all(np.isfinite(got)):
        return hint(f"{name} contains NaN or inf")
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
        e, g = format_pair(expected[worst], got[worst])
        return hint(
            f"{name} has the right shape but wrong values: at index {tuple(int(i) for i in worst)} "
            f"expected {e}, got {g}"
        )
    return None


def matches(got, value, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True if ``got`` is an array of ``value``'s shape with the same numbers."""
    got, fb = as_array(got)
    if fb is not None:
        return False
    value = np.asarray(value, dtype=float)
    return got.shape == value.shape and bool(np.allclose(got, value, rtol=rtol, atol=atol))


def known_mistake(got, candidates, *, rtol: float = 1e-6, atol: float = 1e-9):
    """The message of the first ``(wrong value, message)`` candidate that ``got`` equals, else None.

    Checkers list the typical wrong answers (a missing factor, a transposed product, ...), each
    computed from the same inputs, so the hint names the mistake rather than only the symptom.
    """
    return next(
        (message for value, message in candidates if matches(got, value, rtol=rtol, atol=atol)),
        None,
    )


def diagnose(got, expected, name, candidates, *, rtol: float = 1e-6, atol: float = 1e-9):
    """None if ``got`` equals ``expected``; else the hint of the first known mistake it equals,
    or else :func:`check_array`'s generic shape/value hint."""
    got, fb = as_array(got, name, shape=np.shape(expected))
    if fb is not None:
        return fb
    generic = check_array(got, expected, name)
    if generic is None:
        return None
    message = known_mistake(got, candidates, rtol=rtol, atol=atol)
    return hint(message) if message else generic


def __getattr__(name):
    # PEP 562: `ml.exercises.ch01.check_x(...)` works without importing the chapter module first.
    if re.fullmatch(r"ch\d\d[a-z]?", name):
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError:
            pass
    raise AttributeError(f"module 'mml4_lib.exercises' has no attribute {name!r}")
