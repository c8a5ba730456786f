"""Checkers for chapter 10 (Dropout).

The learner writes inverted dropout (forward and backward) and the exact average of a linear
layer over all its dropout masks. Dropout is random, so the forward checker does not compare
with one expected array: it checks the properties every correct answer has (each output is 0
or x / keep_prob, about keep_prob of the units survive, eval mode is the identity) and
recognises the typical slips: scaling by p instead of 1/p, keeping with probability 1 - p,
scaling at test time, one mask shared by the whole batch or one per example, a fixed number
of kept units, ignoring the rng argument (equal seeds must give equal masks).
"""

from itertools import product

import numpy as np

from mml4_lib.exercises import Feedback, as_array, attempt, check_array, diagnose, hint, passed

__all__ = ["check_dropout_forward", "check_dropout_backward", "check_expected_output",
           "expected_by_enumeration", "backward_data", "expected_data"]

KEEP_PROB = 0.8  # asymmetric: keeping with probability p and with 1 - p look different


def _forward_data():
    # Positive, distinct values, so out / x tells which scale was applied to each unit.
    x = np.random.default_rng(11).uniform(1.0, 2.0, size=(400, 250))
    return x, KEEP_PROB


def _same(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12)


def _forward_output(dropout_forward, x, p, *, training, seed, name):
    """The learner's dropout_forward on a copy of x: (out, None), or (None, the hint) if the
    call fails or its result is not an array of x's shape."""
    got, fb = attempt(dropout_forward, x.copy(), p, training=training,
                      rng=np.random.default_rng(seed))
    if fb is None:
        got, fb = as_array(got, name, shape=x.shape)
    if fb is None and got.shape != x.shape:
        fb = hint(f"{name}: shape {x.shape} expected, got {got.shape}")
    return (None, fb) if fb is not None else (got, None)


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
    got, fb = _forward_output(dropout_forward, x, p, training=False, seed=0,
                              name="out (training=False)")
    if fb is not None:
        return fb
    bad = _check_eval(got, x, p)
    if bad is not None:
        return bad

    out, fb = _forward_output(dropout_forward, x, p, training=True, seed=1, name="out")
    if fb is not None:
        return fb
    kept = out != 0
    share = kept.mean()
    if share == 1:
        return hint("no unit was dropped: draw a mask, e.g. rng.random(x.shape) < keep_prob, "
                    "and multiply by it")
    if np.all(kept == kept[0]):
        return hint("every example dropped the same units: draw one mask entry per element, "
                    "rng.random(x.shape), so each example gets its own sub-network")
    if np.all(kept == kept[:, :1]):
        return hint("each example kept either all of its units or none: you drew one mask "
                    "entry per example (per row). Draw one per element, rng.random(x.shape), "
                    "so that every unit of every example is kept or dropped on its own")
    per_row = kept.sum(axis=1)
    if np.all(per_row == per_row[0]):
        return hint(f"every example kept exactly {per_row[0]} of its {x.shape[1]} units: "
                    f"dropout keeps each unit independently with probability keep_prob, so the "
                    f"number kept varies from example to example (it is binomial). Draw "
                    f"rng.random(x.shape) < keep_prob instead of choosing a fixed number")
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

    masks = {}
    for label, seed in (("same", 1), ("other", 2)):
        again, fb = _forward_output(dropout_forward, x, p, training=True, seed=seed, name="out")
        if fb is not None:
            return fb
        masks[label] = again != 0
    if not np.array_equal(masks["same"], kept):
        return hint("two generators with the same seed gave different masks: draw the mask "
                    "from the rng argument (rng.random), not from np.random's global state or "
                    "a generator of your own, so that a seeded run can be repeated")
    if np.array_equal(masks["other"], kept):
        return hint("two different rng arguments gave the same mask: draw the mask from the "
                    "rng you are given, not from a generator of your own")
    exact = round(p * x.size)
    if kept.sum() == exact and masks["other"].sum() == exact:
        return hint(f"every call kept exactly {exact} of the {x.size} entries: dropout keeps "
                    f"each entry independently with probability keep_prob, so the total "
                    f"varies from call to call. Draw rng.random(x.shape) < keep_prob instead "
                    f"of choosing a fixed number of entries")
    return passed(f"correct: {share:.1%} of the units kept (keep_prob = {p}), each scaled by "
                  f"1/p = {1 / p:g}; eval mode returns x")


# ----------------------------------------------------------------------------- backward
def backward_data():
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
    dout, mask, p = backward_data()
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
def expected_data():
    rng = np.random.default_rng(13)
    x = rng.uniform(0.5, 1.5, size=(3, 6)) * rng.choice([-1.0, 1.0], size=(3, 6))  # no zeros
    W = rng.normal(size=(6, 2))
    return x, W, 0.7


def expected_by_enumeration(f, x, p):
    """The mean of f(m * x) over all 2^D masks m, each with probability p^k (1 - p)^(D - k).

    f: callable (N, D) -> (N, C); x (N, D); p the keep probability -> (N, C). Chapter 10.
    """
    D = x.shape[1]
    total = 0.0
    for bits in product((0, 1), repeat=D):
        m = np.array(bits, dtype=float)
        k = m.sum()
        total = total + p**k * (1 - p) ** (D - k) * f(x * m)
    return total


class _CountingLayer:
    """A layer f(v) = g(v @ W) that records which inputs of each row were zeroed (the masks)."""

    def __init__(self, W, nonlinear):
        self.W, self.nonlinear, self.masks = W, nonlinear, set()

    def __call__(self, v):
        v = np.asarray(v, dtype=float)
        rows = v.reshape(-1, v.shape[-1]) if v.ndim else v.reshape(1, 1)
        self.masks.update(tuple((row != 0).astype(int)) for row in rows)
        out = v @ self.W
        return np.maximum(out, 0.0) if self.nonlinear else out


def check_expected_output(expected_output) -> Feedback:
    """Check ``expected_output(f, x, keep_prob)``: the mean of f(m * x) over all 2^D masks m.

    Each mask with k kept inputs has probability p^k (1 - p)^(D - k). The checker passes a
    linear layer f(v) = v @ W, where the result must equal p * x @ W (the classic test-time
    rule, exact for a linear layer) and f must have seen all 2^D masks, and then a ReLU layer
    f(v) = relu(v @ W), where the weight-scaled shortcut is not the average.
    f: callable (N, D) -> (N, C); x (N, D) -> (N, C).
    Introduced in chapter 10.
    """
    x, W, p = expected_data()
    D = x.shape[1]
    linear = _CountingLayer(W, nonlinear=False)
    got, fb = attempt(expected_output, linear, x.copy(), p)
    if fb is not None:
        return fb
    expected = expected_by_enumeration(lambda v: v @ W, x, p)
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
    bad = diagnose(got, expected, "expected output (f linear)", candidates)
    if bad is not None:
        return bad
    seen = len(linear.masks)
    if seen < 2**D:
        return hint(f"the value is right for a linear f, but f saw only {seen} of the "
                    f"2^{D} = {2**D} masks: the exercise is to average f(m * x) over all of "
                    f"them. The shortcut p * f(x) (or f(p * x)) is exact only because this f is "
                    f"linear; the next test uses a ReLU layer")
    relu = _CountingLayer(W, nonlinear=True)
    got, fb = attempt(expected_output, relu, x.copy(), p)
    if fb is not None:
        return fb

    def g(v):
        return np.maximum(v @ W, 0.0)

    expected = expected_by_enumeration(g, x, p)
    bad = diagnose(got, expected, "expected output (f = relu(v @ W))", [
        (p * g(x), "for f = relu(v @ W) you returned p * f(x), the weight-scaled network; for a "
                   "nonlinear f the average over the masks differs from it (Jensen's "
                   "inequality). Sum f(m * x) over all the masks"),
        (g(p * x), "for f = relu(v @ W) you returned f(p * x), the weight-scaled network; for a "
                   "nonlinear f the average over the masks differs from it (Jensen's "
                   "inequality). Sum f(m * x) over all the masks"),
        (expected_by_enumeration(g, x, 0.5), "every mask got the same weight 1 / 2^D; a mask "
                                             "with k kept units has probability "
                                             "p^k (1 - p)^(D - k)"),
    ])
    if bad is not None:
        return bad
    return passed("correct: for a linear layer the average over all 2^D sub-networks is exactly "
                  "p * x @ W, the weight-scaled network; for a ReLU layer it is not")
