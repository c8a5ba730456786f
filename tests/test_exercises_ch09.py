"""Chapter 9 checkers: the references pass, typical batch-norm slips get their own hint."""

import numpy as np
import pytest

from mml4_lib.exercises import ch09
from mml4_lib.gradcheck import check_module_gradients
from mml4_lib.layers import BatchNorm


def _stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("checker", [ch09.check_batchnorm_forward, ch09.check_running_update,
                                     ch09.check_batchnorm_backward])
def test_stub_and_none_are_not_attempted(checker):
    assert checker(_stub).status == "not attempted"
    assert checker(None).status == "not attempted"


# ----------------------------------------------------------------------------- forward
def _forward(x, gamma, beta, eps):
    mean = x.mean(axis=0)
    var = ((x - mean) ** 2).mean(axis=0)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def test_forward_reference_matches_the_library_layer():
    x, gamma, beta, eps = ch09.bn_data()
    layer = BatchNorm(4, eps=eps)
    layer.params["gamma"][...] = gamma
    layer.params["beta"][...] = beta
    np.testing.assert_allclose(ch09.bn_forward_reference(x, gamma, beta, eps), layer.forward(x))


def test_forward_reference_passes():
    assert ch09.check_batchnorm_forward(_forward).passed


def _forward_variant(kind):
    def forward(x, gamma, beta, eps):
        axis = 1 if kind == "axis" else 0
        mean = x.mean(axis=axis, keepdims=True)
        var = x.var(axis=axis, ddof=1 if kind == "unbiased" else 0, keepdims=True)
        if kind == "no eps":
            eps = 0.0
        xhat = (x - mean) / np.sqrt(var + eps)
        if kind == "no gamma beta":
            return xhat
        if kind == "swapped":
            return beta * xhat + gamma
        return gamma * xhat + beta
    return forward


@pytest.mark.parametrize("kind, words", [
    ("unbiased", "unbiased variance"),
    ("axis", "wrong axis"),
    ("no eps", "eps is missing"),
    ("no gamma beta", "gamma and beta are missing"),
    ("swapped", "gamma and beta are swapped"),
])
def test_forward_mistakes(kind, words):
    fb = ch09.check_batchnorm_forward(_forward_variant(kind))
    assert fb.status == "hint" and words in fb.message, fb


def test_forward_other_mistakes():
    fb = ch09.check_batchnorm_forward(
        lambda x, g, b, eps: g * (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5) + b)
    assert fb.status == "hint" and "use the eps you are given" in fb.message
    fb = ch09.check_batchnorm_forward(lambda x, g, b, eps: (x - x.mean(0)).T)
    assert fb.status == "hint" and "shape (6, 4) expected" in fb.message


# ----------------------------------------------------------------------------- running
def test_running_reference_passes():
    assert ch09.check_running_update(lambda r, s, a: a * s + (1 - a) * r).passed
    # the in-place form works too
    def in_place(r, s, a):
        r *= 1 - a
        r += a * s
        return r
    assert ch09.check_running_update(in_place).passed


@pytest.mark.parametrize("wrong, words", [
    (lambda r, s, a: (1 - a) * s + a * r, "alpha and 1 - alpha are swapped"),
    (lambda r, s, a: s, "replaced the running value"),
    (lambda r, s, a: r + a * s, "multiplied by 1 - alpha"),
    (lambda r, s, a: (r + s) / 2, "plain average"),
    (lambda r, s, a: 0.1 * s + 0.9 * r, "use the alpha argument"),
])
def test_running_mistakes(wrong, words):
    fb = ch09.check_running_update(wrong)
    assert fb.status == "hint" and words in fb.message, fb


def test_running_none_return():
    def forgot_return(r, s, a):
        r[...] = a * s + (1 - a) * r
    fb = ch09.check_running_update(forgot_return)
    assert fb.status == "hint" and "forget `return`" in fb.message


# ----------------------------------------------------------------------------- backward
def test_backward_reference_matches_the_library_and_numerical_gradients():
    dout, x, gamma, eps = ch09.backward_data()
    layer = BatchNorm(4, eps=eps)
    layer.params["gamma"][...] = gamma
    layer.forward(x)
    dx = layer.backward(dout)
    ref = ch09.bn_backward_reference(dout, x, gamma, eps)
    np.testing.assert_allclose(ref[0], dx)
    np.testing.assert_allclose(ref[1], layer.grads["gamma"])
    np.testing.assert_allclose(ref[2], layer.grads["beta"])
    errors = check_module_gradients(layer, x, rng=np.random.default_rng(0))
    assert max(errors.values()) < 1e-7


def test_backward_reference_passes():
    assert ch09.check_batchnorm_backward(ch09.bn_backward_reference).passed


def _backward_variant(kind):
    def backward(dout, x, gamma, eps):
        dx, dgamma, dbeta = ch09.bn_backward_reference(dout, x, gamma, eps)
        std = np.sqrt(x.var(0) + eps)
        xhat = (x - x.mean(0)) / std
        dxhat = dout * gamma
        if kind == "constants":
            dx = dxhat / std
        elif kind == "no var path":
            dx = (dxhat - dxhat.mean(0)) / std
        elif kind == "no gamma":
            dx = (dout - dout.mean(0) - xhat * (dout * xhat).mean(0)) / std
        elif kind == "swapped":
            dgamma, dbeta = dbeta, dgamma
        elif kind == "unsummed":
            dbeta = dout
        elif kind == "x not xhat":
            dgamma = (dout * x).sum(0)
        elif kind in ("unbiased", "unbiased dx only"):
            # the whole backward pass written with var(ddof=1), or only dx
            std_u = np.sqrt(x.var(0, ddof=1) + eps)
            xhat_u = (x - x.mean(0)) / std_u
            dx = (dxhat - dxhat.mean(0) - xhat_u * (dxhat * xhat_u).mean(0)) / std_u
            if kind == "unbiased":
                dgamma = (dout * xhat_u).sum(0)
        return dx, dgamma, dbeta
    return backward


@pytest.mark.parametrize("kind, words", [
    ("constants", "treats the batch mean and variance as constants"),
    ("no var path", "not the one through the variance"),
    ("no gamma", "gamma is missing"),
    ("swapped", "swapped"),
    ("unsummed", "sum dout over the N = 6 rows"),
    ("x not xhat", "not by x"),
    ("unbiased", "dgamma: you normalized with the unbiased variance"),
    ("unbiased dx only", "dx: you normalized with the unbiased variance"),
])
def test_backward_mistakes(kind, words):
    fb = ch09.check_batchnorm_backward(_backward_variant(kind))
    assert fb.status == "hint" and words in fb.message, fb


def test_backward_must_return_a_triple():
    fb = ch09.check_batchnorm_backward(lambda dout, x, g, eps: dout)
    assert fb.status == "hint" and "return a triple" in fb.message
