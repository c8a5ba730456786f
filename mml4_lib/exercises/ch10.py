"""Checkers for chapter 10 (Dropout).

The learner writes inverted dropout (forward and backward) and the exact average of a linear
layer over all its dropout masks. Dropout is random, so the forward checker does not compare
with one expected array: it checks the properties every correct answer has (each output is 0
or x / keep_prob, about keep_prob of the units survive, eval mode is the identity) and
recognises the typical slips: scaling by p instead of 1/p, keeping with probability 1 - p,
scaling at test time, one mask shared by the whole batch, ignoring the rng argument.
"""

from itertools import product

import numpy as np

from mml4_lib.exercises import Feedback, as_array, attempt, check_array, diagnose, hint, passed

__all__ = ["check_dropout_forward", "check_dropout_backward", "check_expected_output"]

KEEP_PROB = 0.8  # asymmetric: keeping with probability p and with 1 - p look different


def _forward_data():
    # Positive, distinct values, so out / x tells which scale was applied to each unit.
    x = np.random.default_rng(11).uniform(1.0, 2.0, size=(400, 250))
    return x, KEEP_PROB


def _same(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12)


def _check_eval(got, x, p) -> Feedback | None:
    """Hints for eval mode, where inverted dropout must return x unchanged."""
    if _same(got, x):
        return None
    if _same(got, x * p):
        return hint("at test time inverted dropout returns x unchanged: the rescaling by 1/p "
                    "already happened during training. Multiplying by p at test time is the "
                    "classic form, which does not scale during training")
    if _same(got, x / p):
        return hint("at test time inverted dropout returns x unchanged; it divides by p only "
                    "during training, for the units it keeps")
    if np.mean(got == 0) > 0.05:
        return hint("in eval mode (training=False) no unit is dropped: return x unchanged")
    return check_array(got, x, "out (training=False)")


def check_dropout_forward(dropout_forward) -> Feedback:
    """Check ``dropout_forward(x, keep_prob, *, training, rng)``, inverted dropout.

    training=True: keep each entry with probability keep_prob, independently, using rng
    (a np.random.Generator), and divide the kept ones by keep_prob; training=False: return x.
    x (N, D) -> out (N, D).
    Introduced in chapter 10.
    """
    x, p = _forward_data()
    got, fb = attempt(dropout_forward, x.copy(), p, training=False,
                      rng=np.random.default_rng(0))
    if fb is None:
        got, fb = as_array(got, "out (training=False)", shape=x.shape)
    if fb is not None:
        return fb
    if got.shape != x.shape:
        return hint(f"out (training=False): shape {x.shape} expected, got {got.shape}")
    bad = _check_eval(got, x, p)
    if bad is not None:
        return bad

    got, fb = attempt(dropout_forward, x.copy(), p, training=True, rng=np.random.default_rng(1))
    if fb is None:
        out, fb = as_array(got, "out", shape=x.shape)
    if fb is not None:
        return fb
    if out.shape != x.shape:
        return hint(f"out: shape {x.shape} expected, got {out.shape}")
    kept = out != 0
    share = kept.mean()
    if share == 1:
        return hint("no unit was dropped: draw a mask, e.g. rng.random(x.shape) < keep_prob, "
                    "and multiply by it")
    if np.all(kept == kept[0]):
        return hint("every example dropped the same units: draw one mask entry per element, "
                    "rng.random(x.shape), so each example gets its own sub-network")
    if abs(share - (1 - p)) < 0.01:
        return hint(f"you kept {share:.0%} of the units with keep_prob = {p}: the mask is "
                    f"compared the wrong way. rng.random(x.shape) < keep_prob is True with "
                    f"probability keep_prob; you dropped units with probability p instead")
    if abs(share - p) > 0.01:
        return hint(f"about {p:.0%} of the units should be kept with keep_prob = {p}, "
                    f"but {share:.1%} were")
    ratio = out[kept] / x[kept]
    for scale, message in [
        (1 / p, None),
        (p, "the kept units are multiplied by p; inverted dropout divides them by p, so that "
            "the expected output, p * (x / p) = x, equals the test-time output x"),
        (1.0, "the kept units are not rescaled (that is classic dropout, which then needs "
              "x * p at test time). Inverted dropout divides the kept units by p"),
        (1 / (1 - p), "the kept units are divided by 1 - p; divide by p, the probability of "
                      "keeping"),
    ]:
        if np.allclose(ratio, scale):
            if message is not None:
                return hint(message)
            break
    else:
        return hint("each output must be 0 (dropped) or x / keep_prob (kept); some are neither")

    again, fb = attempt(dropout_forward, x.copy(), p, training=True,
                        rng=np.random.default_rng(2))
    if fb is None:
        again, fb = as_array(again, "out", shape=x.shape)
    if fb is not None:
        return fb
    if np.array_equal(again != 0, kept):
        return hint("two different rng arguments gave the same mask: draw the mask from the "
                    "rng you are given, not from a generator of your own")
    return passed(f"correct: {share:.1%} of the units kept (keep_prob = {p}), each scaled by "
                  f"1/p = {1 / p:g}; eval mode returns x")


# ----------------------------------------------------------------------------- backward
def _backward_data():
    rng = np.random.default_rng(12)
    dout = rng.normal(size=(5, 6))
    mask = rng.random((5, 6)) < 0.6
    return dout, mask, 0.6


def check_dropout_backward(dropout_backward) -> Feedback:
    """Check ``dropout_backward(dout, mask, keep_prob)`` for inverted dropout.

    The forward pass was out = x * mask / keep_prob with a boolean mask; so
    dx = dout * mask / keep_prob. dout (N, D), mask (N, D) bool -> dx (N, D).
    Introduced in chapter 10.
    """
    dout, mask, p = _backward_data()
    got, fb = attempt(dropout_backward, dout.copy(), mask.copy(), p)
    if fb is not None:
        return fb
    expected = dout * mask / p
    candidates = [
        (dout * mask, "the scale 1/keep_prob is missing: the forward pass divided the kept "
                      "units by p, so their gradient is divided by p too"),
        (dout * mask * p, "the kept units' gradient is multiplied by p; the forward pass divided "
                          "them by p, so divide"),
        (dout / p, "the mask is missing: a dropped unit's output did not depend on x, so its "
                   "gradient is 0"),
        (dout, "dx = dout ignores the dropout: multiply by the forward mask and divide by p"),
        (dout * ~mask / p, "the mask is inverted: gradient flows through the units that were "
                           "kept (mask True), not the dropped ones"),
    ]
    bad = diagnose(got, expected, "dx", candidates)
    if bad is not None:
        return bad
    return passed("correct: the same mask as in the forward pass, and the same scale 1/p")


# ----------------------------------------------------------------------------- ensemble
def _expected_data():
    rng = np.random.default_rng(13)
    x = rng.normal(size=(3, 6))
    W = rng.normal(size=(6, 2))
    return x, W, 0.7


def _expected_by_enumeration(x, W, p):
    D = x.shape[1]
    total = np.zeros((x.shape[0], W.shape[1]))
    for bits in product((0, 1), repeat=D):
        m = np.array(bits, dtype=float)
        k = m.sum()
        total += p**k * (1 - p) ** (D - k) * ((x * m) @ W)
    return total


def check_expected_output(expected_output) -> Feedback:
    """Check ``expected_output(x, W, keep_prob)``: the mean of (x * m) @ W over all 2^D masks m.

    Each mask with k kept inputs has probability p^k (1 - p)^(D - k); the result equals
    p * x @ W (the classic test-time rule, exact for a linear layer).
    x (N, D), W (D, C) -> (N, C).
    Introduced in chapter 10.
    """
    x, W, p = _expected_data()
    got, fb = attempt(expected_output, x.copy(), W.copy(), p)
    if fb is not None:
        return fb
    expected = _expected_by_enumeration(x, W, p)
    candidates = [
        (0.5 * x @ W, "every mask got the same weight 1 / 2^D; a mask with k kept units has "
                      "probability p^k (1 - p)^(D - k)"),
        ((1 - p) * x @ W, "the probabilities are swapped: a unit is kept with probability p, "
                          "so a mask with k kept units has probability p^k (1 - p)^(D - k)"),
        (x @ W, "that is the network without dropout; average over the masks, weighting each "
                "by its probability"),
        (x @ W / p, "that is the inverted-dropout scaling; here the masked layer does not "
                    "rescale, so its mean output is p x W"),
    ]
    bad = diagnose(got, expected, "expected output", candidates)
    if bad is not None:
        return bad
    return passed("correct: the average over all 2^D sub-networks is exactly p * x @ W, the "
                  "weight-scaled network")
