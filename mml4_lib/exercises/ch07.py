"""Checkers for chapter 7 (Activations).

Two code exercises: the derivative of Leaky ReLU, and finding the dead units of a ReLU layer
from its pre-activations. Each checker calls the learner's function on fixed inputs and, for
a wrong answer, recognises the typical slips: the slope on the wrong side, alpha = 1, ReLU's
derivative instead of Leaky ReLU's, the function instead of its derivative, a fixed alpha,
"any" instead of "all", the wrong axis, z < 0 instead of z <= 0.
"""

import numpy as np

from mml4_lib.activations import leaky_relu, leaky_relu_grad, relu_grad
from mml4_lib.exercises import (
    Feedback,
    as_array,
    attempt,
    check_array,
    hint,
    known_mistake,
    matches,
    passed,
)

__all__ = ["check_leaky_relu_grad", "check_dead_units", "dead_units_reference", "dead_data"]


# ----------------------------------------------------------------------------- Leaky ReLU'
def _leaky_data():
    # No z exactly 0: the derivative at the kink is a convention, not what is being checked.
    # Two rows, so a flattened or scalar answer shows up as a wrong shape.
    return np.array([[-3.0, -1.5, -0.2, 0.4, 1.0, 2.5], [-0.7, 0.9, -4.0, 3.0, -0.01, 0.05]])


def check_leaky_relu_grad(fn) -> Feedback:
    """Check ``fn(z, alpha)`` = d/dz leaky_relu(z) = 1 where z > 0, alpha where z < 0.

    z (any shape) -> the same shape. Tried with alpha = 0.1 and alpha = 0.3.
    Introduced in chapter 7.
    """
    z = _leaky_data()
    for alpha in (0.1, 0.3):
        got, fb = attempt(fn, z.copy(), alpha)
        if fb is None:
            got, fb = as_array(got, shape=z.shape)
        if fb is not None:
            return fb
        expected = leaky_relu_grad(z, alpha)
        if matches(got, expected):
            continue
        candidates = [
            (np.where(z > 0, alpha, 1.0), "the slopes are swapped: the slope is 1 for z > 0 "
                                          "(the identity side) and alpha for z < 0"),
            (np.ones_like(z), "your derivative is 1 everywhere: that is alpha = 1, a linear "
                              "unit; on the negative side the slope is alpha"),
            (relu_grad(z), "for z < 0 you return 0, which is ReLU's derivative; Leaky ReLU "
                           "keeps a slope alpha there, so the unit still gets a gradient"),
            (leaky_relu(z, alpha), "that is leaky_relu(z) itself; return its derivative, "
                                   "which is 1 or alpha, not z or alpha * z"),
            (np.where(z > 0, 1.0, -alpha), "the slope on the negative side is +alpha: "
                                           "alpha * z grows with z"),
            (np.where(z > 0, 1.0, 0.01), "you used alpha = 0.01 whatever the argument says; "
                                         f"use the alpha passed in (here {alpha})"),
        ]
        message = known_mistake(got, candidates)
        if message is None and got.size == z.size and got.shape != z.shape:
            message = f"return an array of z's shape {z.shape}, got {got.shape}"
        if message is None and got.ndim == 0:
            message = (f"you returned one number; the derivative is elementwise, an array of "
                       f"z's shape {z.shape}")
        if message is not None:
            return hint(message)
        return check_array(got, expected, f"leaky_relu_grad(z, alpha={alpha})")
    return passed("correct: the slope is 1 for z > 0 and alpha < 1 for z < 0, never 0, "
                  "so every unit keeps receiving a gradient")


# ----------------------------------------------------------------------------- dead units
def dead_units_reference(Z):
    """Boolean (H,) mask: unit j is dead on this batch if z_ij <= 0 for every example i.

    Z (N, H) pre-activations of a ReLU layer. relu'(z) = 0 for z <= 0, so such a unit
    passes no gradient to its weights on any example.
    """
    return np.all(np.asarray(Z) <= 0, axis=0)


def dead_data():
    # 4 examples, 5 units: alive; dead (all negative); dead with exact zeros (z <= 0);
    # off on some examples only; dead.
    return np.array([
        [0.5, -1.0, 0.0, -0.3, -2.0],
        [1.2, -0.2, -0.4, 0.8, -0.1],
        [-0.3, -3.0, 0.0, -1.1, -0.5],
        [0.9, -0.6, -0.2, -0.2, -1.4],
    ])


def check_dead_units(fn) -> Feedback:
    """Check ``fn(Z)`` -> boolean (H,) mask of the ReLU units with z <= 0 on every example.

    Z (N, H) -> (H,) bool. Introduced in chapter 7.
    """
    Z = dead_data()
    got, fb = attempt(fn, Z.copy())
    if fb is not None:
        return fb
    is_mask = isinstance(got, np.ndarray) and got.dtype == bool
    got, fb = as_array(got, "the dead-unit mask", shape=(Z.shape[1],))
    if fb is not None:
        return fb
    expected = dead_units_reference(Z)
    if matches(got, expected):
        if not is_mask:
            return passed("correct values; return a boolean mask (Z <= 0).all(axis=0) so it "
                          "can index the units directly")
        return passed("correct: a unit is dead when z <= 0 for every example, because "
                      "relu'(z) = 0 there and no example sends a gradient to its weights")
    candidates = [
        (np.any(Z <= 0, axis=0), "you marked units that are off for *some* examples; a unit "
                                 "is dead only if it is off for *all* of them (use all, not any)"),
        (np.all(Z < 0, axis=0), "z = 0 counts as off too: relu'(0) = 0, so use z <= 0"),
        (np.all(Z <= 0, axis=1), "that is one value per example (axis=1); the question is "
                                 "per unit: reduce over the examples, axis=0"),
        (~expected, "your mask is inverted: it marks the units that fire at least once; "
                    "True should mark the dead ones"),
        (expected.sum(), "return the mask itself (one True/False per unit), not the count"),
        (expected.mean(), "return the mask itself (one True/False per unit), not the share"),
    ]
    message = known_mistake(got, candidates)
    if message is not None:
        return hint(message)
    return check_array(got, expected, "the dead-unit mask")
