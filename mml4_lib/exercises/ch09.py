"""Checkers for chapter 9 (Batch normalization).

The learner writes the training-mode forward pass of batch normalization, the running-average
update of the lecture's slide and the backward pass. Each checker calls the learner's function
on fixed inputs, compares it with a reference and recognises the typical slips: the unbiased
variance, the wrong axis, a missing eps, gamma or beta, alpha and 1 - alpha swapped, a backward
pass that forgets the paths through the batch mean and variance.
"""

import numpy as np

from mml4_lib.exercises import Feedback, attempt, check_array, diagnose, hint, passed

__all__ = ["bn_data", "check_batchnorm_forward", "check_running_update", "check_batchnorm_backward",
           "bn_forward_reference", "backward_data", "bn_backward_reference"]


# ----------------------------------------------------------------------------- forward
def bn_data():
    """x (6, 4) whose columns have very different means and spreads, and gamma, beta, eps."""
    rng = np.random.default_rng(9)
    x = rng.normal(size=(6, 4)) * np.array([1.0, 3.0, 0.2, 0.05]) + np.array([0.0, 5.0, -2.0, 1.0])
    gamma = np.array([1.5, 0.5, -1.0, 2.0])
    beta = np.array([0.1, -0.3, 0.7, 2.0])
    eps = 1e-2  # large on purpose: forgetting it, or hard-coding 1e-5, is visible
    return x, gamma, beta, eps


def bn_forward_reference(x, gamma, beta, eps):
    mean = x.mean(axis=0)
    var = x.var(axis=0)  # biased: divided by N
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def check_batchnorm_forward(bn_forward) -> Feedback:
    """Check ``bn_forward(x, gamma, beta, eps)``, batch normalization in training mode.

    out = gamma * (x - mean) / sqrt(var + eps) + beta with the mean and the biased variance
    of each column over the N rows. x (N, D), gamma (D,), beta (D,), eps float -> out (N, D).
    Introduced in chapter 9.
    """
    x, gamma, beta, eps = bn_data()
    got, fb = attempt(bn_forward, x.copy(), gamma.copy(), beta.copy(), eps)
    if fb is not None:
        return fb
    expected = bn_forward_reference(x, gamma, beta, eps)
    mean, var = x.mean(axis=0), x.var(axis=0)
    xhat = (x - mean) / np.sqrt(var + eps)
    row_mean, row_var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    candidates = [
        (gamma * (x - mean) / np.sqrt(x.var(axis=0, ddof=1) + eps) + beta,
         "you normalized with the unbiased variance (divided by N - 1). Batch norm divides by "
         "the batch's own variance, sum (x - mean)^2 / N (np.var's default ddof=0); the "
         "unbiased estimate only goes into the running variance"),
        (gamma * (x - row_mean) / np.sqrt(row_var + eps) + beta,
         "wrong axis: you normalized each example (row) over its features. Batch norm "
         "normalizes each feature (column) over the examples of the batch: mean(axis=0)"),
        (gamma * (x - mean) / np.sqrt(var) + beta,
         "eps is missing: divide by sqrt(var + eps), which keeps a feature with (almost) no "
         "spread in the batch from dividing by zero"),
        (gamma * (x - mean) / np.sqrt(var + 1e-5) + beta,
         "use the eps you are given (the check passes eps = 0.01), not a fixed 1e-5"),
        (gamma * (x - mean) / (np.sqrt(var) + eps) + beta,
         "eps goes inside the square root: (x - mean) / sqrt(var + eps)"),
        (gamma * (x - mean) / (var + eps) + beta,
         "you divided by the variance; divide by the standard deviation sqrt(var + eps)"),
        (xhat, "gamma and beta are missing: after normalizing, scale by gamma and shift by "
               "beta, out = gamma * xhat + beta"),
        (xhat + beta, "gamma is missing: out = gamma * xhat + beta"),
        (gamma * xhat, "beta is missing: out = gamma * xhat + beta"),
        (beta * xhat + gamma, "gamma and beta are swapped: gamma scales, beta shifts"),
    ]
    bad = diagnose(got, expected, "out", candidates)
    if bad is not None:
        return bad
    return passed("correct: every column of gamma^-1 (out - beta) now has mean 0 and variance "
                  "var / (var + eps), just below 1")


# ----------------------------------------------------------------------------- running average
def _running_data():
    running = np.array([0.0, 1.0, 2.0, -1.0])
    batch_stat = np.array([1.0, 3.0, 2.5, 0.5])
    alpha = 0.1
    return running, batch_stat, alpha


def check_running_update(update_running) -> Feedback:
    """Check ``update_running(running, batch_stat, alpha)`` -> the new running value.

    The lecture's slide: running = alpha * batch_stat + (1 - alpha) * running, 0 < alpha < 1
    (BatchNorm's momentum). running (D,), batch_stat (D,), alpha float -> (D,).
    Introduced in chapter 9.
    """
    running, batch_stat, alpha = _running_data()
    got, fb = attempt(update_running, running.copy(), batch_stat.copy(), alpha)
    if fb is not None:
        return fb
    expected = alpha * batch_stat + (1 - alpha) * running
    candidates = [
        ((1 - alpha) * batch_stat + alpha * running,
         "alpha and 1 - alpha are swapped: the new batch gets the weight alpha (small, e.g. "
         "0.1) and the old running value keeps 1 - alpha, so one batch moves the average only "
         "a little"),
        (batch_stat, "you replaced the running value by the batch statistic; the running value "
                     "is an average over many batches: alpha * batch + (1 - alpha) * running"),
        (running, "the running value did not change; mix in the batch statistic with weight "
                  "alpha"),
        ((running + batch_stat) / 2, "that is the plain average of the two (alpha = 1/2); use "
                                     "the weights alpha and 1 - alpha"),
        (running + alpha * batch_stat, "the old value must be multiplied by 1 - alpha, or the "
                                       "running value keeps growing"),
        (alpha * batch_stat + running, "the old value must be multiplied by 1 - alpha, or the "
                                       "running value keeps growing"),
    ]
    bad = diagnose(got, expected, "running", candidates)
    if bad is not None:
        return bad
    # A second call with another alpha catches a hard-coded alpha = 0.1.
    alpha2 = 0.7
    got2, fb = attempt(update_running, running.copy(), batch_stat.copy(), alpha2)
    if fb is not None:
        return fb
    if check_array(got2, alpha2 * batch_stat + (1 - alpha2) * running, "running") is not None:
        return hint("correct for alpha = 0.1 but not for alpha = 0.7: use the alpha argument")
    return passed("correct: after t updates the first value keeps the weight (1 - alpha)^t; "
                  "the average forgets old batches at that rate")


# ----------------------------------------------------------------------------- backward
def bn_backward_reference(dout, x, gamma, eps, ddof=0):
    # ddof=1 is the slip of normalizing with the unbiased variance (divided by N - 1)
    mean = x.mean(axis=0)
    std = np.sqrt(x.var(axis=0, ddof=ddof) + eps)
    xhat = (x - mean) / std
    dgamma = (dout * xhat).sum(axis=0)
    dbeta = dout.sum(axis=0)
    dxhat = dout * gamma
    dx = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / std
    return dx, dgamma, dbeta


def backward_data():
    x, gamma, _, eps = bn_data()
    dout = np.random.default_rng(10).normal(size=x.shape)
    return dout, x, gamma, eps


def check_batchnorm_backward(bn_backward) -> Feedback:
    """Check ``bn_backward(dout, x, gamma, eps)`` -> (dx, dgamma, dbeta) in training mode.

    The forward pass is out = gamma * xhat + beta, xhat = (x - mean) / sqrt(var + eps) with
    the batch mean and biased variance. dout, x (N, D), gamma (D,) -> dx (N, D),
    dgamma (D,), dbeta (D,).
    Introduced in chapter 9.
    """
    dout, x, gamma, eps = backward_data()
    got, fb = attempt(bn_backward, dout.copy(), x.copy(), gamma.copy(), eps)
    if fb is not None:
        return fb
    if not isinstance(got, tuple | list) or len(got) != 3:
        return hint(f"return a triple (dx, dgamma, dbeta), got {type(got).__name__}")
    dx_ref, dgamma_ref, dbeta_ref = bn_backward_reference(dout, x, gamma, eps)
    N = len(x)
    mean = x.mean(axis=0)
    std = np.sqrt(x.var(axis=0) + eps)
    xhat = (x - mean) / std
    dxhat = dout * gamma
    dx_unbiased, dgamma_unbiased, _ = bn_backward_reference(dout, x, gamma, eps, ddof=1)
    unbiased = ("you normalized with the unbiased variance (divided by N - 1). The forward "
                "pass divides by the batch's own variance, sum (x - mean)^2 / N (np.var's "
                "default ddof=0), so xhat and the backward pass must use that one too")
    bad = diagnose(got[2], dbeta_ref, "dbeta", [
        (dout, f"dbeta: beta is added to every row, so sum dout over the N = {N} rows: "
               f"shape {dbeta_ref.shape}"),
        (dgamma_ref, "dbeta and dgamma are swapped: dbeta = sum dout, dgamma = sum dout * xhat"),
        (dout.mean(axis=0), "dbeta: sum over the rows, not the mean (the loss already "
                            "averages over the batch)"),
    ])
    if bad is not None:
        return bad
    bad = diagnose(got[1], dgamma_ref, "dgamma", [
        (dout * xhat, f"dgamma: sum dout * xhat over the N = {N} rows: shape "
                      f"{dgamma_ref.shape}"),
        (dbeta_ref, "dgamma and dbeta are swapped: dgamma = sum dout * xhat, dbeta = sum dout"),
        ((dout * x).sum(axis=0), "dgamma multiplies dout by the normalized xhat, not by x"),
        (dgamma_unbiased, "dgamma: " + unbiased),
    ])
    if bad is not None:
        return bad
    bad = diagnose(got[0], dx_ref, "dx", [
        (dxhat / std, "dx treats the batch mean and variance as constants (that is eval mode's "
                      "gradient). In training they are computed from x, so every x_n also "
                      "moves the output through them: subtract mean(dxhat) and "
                      "xhat * mean(dxhat * xhat)"),
        ((dxhat - dxhat.mean(axis=0)) / std, "dx has the path through the mean but not the one "
                                             "through the variance: subtract also "
                                             "xhat * mean(dxhat * xhat)"),
        ((dxhat - xhat * (dxhat * xhat).mean(axis=0)) / std,
         "dx has the path through the variance but not the one through the mean: subtract "
         "also mean(dxhat)"),
        ((dout - dout.mean(axis=0) - xhat * (dout * xhat).mean(axis=0)) / std,
         "dx: gamma is missing; the gradient reaching xhat is dxhat = dout * gamma"),
        (-dx_ref, "dx has the wrong sign"),
        (dx_unbiased, "dx: " + unbiased),
    ])
    if bad is not None:
        return bad
    return passed("correct: and each column of dx sums to 0 and is orthogonal to xhat, so "
                  "shifting or scaling a feature's inputs does not change the loss")
